"""Binds a MessageProcessor to a Kafka topic through FastStream, acknowledging after commit."""

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from servicekit.consumer import MessageProcessor


async def _raw_body(message: StreamMessage) -> bytes:
    """Keep the bytes: decoding and validation happen in the processor, so failures reach the DLQ."""
    return message.body


def subscribe(broker: KafkaBroker, topic: str, group_id: str, processor: MessageProcessor) -> None:
    @broker.subscriber(
        topic,
        group_id=group_id,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        decoder=_raw_body,
        title=f"{group_id}:{topic}",
    )
    async def consume(body: bytes, message: KafkaMessage) -> None:
        await processor.process(message.raw_message)
        await message.ack()

"""Binds a MessageProcessor to a Kafka topic through FastStream, acknowledging after commit."""

import dataclasses
from collections.abc import Awaitable, Callable

from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from servicekit.asyncapi import documented_body
from servicekit.consumer import MessageProcessor


async def _raw_body(message: StreamMessage) -> bytes:
    """Keep the bytes: decoding and validation happen in the processor, so failures reach the DLQ."""
    return message.body


async def _tolerant_parser(
    record: ConsumerRecord, original: Callable[[ConsumerRecord], Awaitable[StreamMessage]]
) -> StreamMessage:
    """FastStream decodes header values as UTF-8 (and fails on a null one); a hostile header must reach the
    DLQ, not crash the consumer. Header keys that are not UTF-8 got this far thanks to
    `servicekit.kafka_records`. The parsed message then carries the untouched record, so the dead letter
    keeps the original bytes.
    """
    try:
        return await original(record)
    except (UnicodeDecodeError, AttributeError):
        readable = dataclasses.replace(
            record, headers=[(k, (v or b"").decode(errors="replace").encode()) for k, v in record.headers]
        )
        if hasattr(record, "consumer"):  # the consumer that acknowledges this record
            readable.consumer = record.consumer
        message = await original(readable)
        message.raw_message = record
        return message


def subscribe(broker: KafkaBroker, topic: str, group_id: str, processor: MessageProcessor, description: str,
              max_poll_interval_ms: int = 300_000) -> None:
    """`description` says what the channel carries, for the AsyncAPI document."""
    body_type = documented_body(processor.handled_types)

    @broker.subscriber(
        topic,
        group_id=group_id,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        max_poll_interval_ms=max_poll_interval_ms,
        parser=_tolerant_parser,
        decoder=_raw_body,
        title=f"{group_id}:{topic}",
        description=description,
    )
    async def consume(body: body_type, message: KafkaMessage) -> None:  # type: ignore[valid-type]
        await processor.process(message.raw_message)
        await message.ack()

"""Binds MessageProcessors to a Kafka topic through FastStream, in batches, acknowledging after commit."""

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from servicekit.asyncapi import documented_body
from servicekit.consumer import MessageProcessor
from servicekit.settings import Consumption


async def _raw_body(message: StreamMessage) -> bytes:
    """Keep the bytes: decoding and validation happen in the processor, so failures reach the DLQ."""
    return message.body


async def _tolerant_parser(
    records: tuple[ConsumerRecord, ...],
    original: Callable[[tuple[ConsumerRecord, ...]], Awaitable[StreamMessage]],
) -> StreamMessage:
    """FastStream decodes header values as UTF-8 (and fails on a null one); a hostile header must reach the
    DLQ, not crash the consumer. Header keys that are not UTF-8 got this far thanks to
    `servicekit.kafka_records`. The parsed message then carries the untouched records, so the dead letter
    keeps the original bytes.
    """
    try:
        return await original(records)
    except (UnicodeDecodeError, AttributeError):
        readable = tuple(dataclasses.replace(
            record, headers=[(k, (v or b"").decode(errors="replace").encode()) for k, v in record.headers])
            for record in records)
        message = await original(readable)
        message.raw_message = records
        return message


def subscribe(broker: KafkaBroker, topic: str, group_id: str, processors: Sequence[MessageProcessor],
              description: str, consumption: Consumption) -> None:
    """One Kafka consumer of `group_id` per processor, in this process: each owns some of the topic's partitions
    and hands what a fetch of them delivers to its processor as one batch, acknowledging once it is done.
    `description` says what the channel carries, for the AsyncAPI document (listed once)."""
    body_type = documented_body(processors[0].handled_types)
    for worker, processor in enumerate(processors):
        broker.subscriber(
            topic,
            group_id=group_id,
            ack_policy=AckPolicy.MANUAL,
            batch=True,
            max_records=consumption.batch_max_records,
            batch_timeout_ms=consumption.batch_wait_ms,
            max_partition_fetch_bytes=consumption.batch_max_bytes,
            auto_offset_reset="earliest",
            max_poll_interval_ms=consumption.max_poll_interval_ms,
            parser=_tolerant_parser,
            decoder=_raw_body,
            title=f"{group_id}:{topic}",
            description=description,
            include_in_schema=worker == 0,
        )(_handler(processor, body_type))


def _handler(processor: MessageProcessor, body_type: Any) -> Callable[..., Awaitable[None]]:
    async def consume(body: body_type, message: KafkaMessage) -> None:
        await processor.process_batch(message.raw_message)
        await message.ack()

    return consume

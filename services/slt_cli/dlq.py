"""`slt dlq`: what was dead-lettered and why, and the replay of a letter once its cause is fixed."""

from collections.abc import Sequence

from aiokafka import TopicPartition
from rich.text import Text

from contracts.topics import DLQ_SUFFIX, dead_letter_topic
from slt_cli import kafka
from slt_cli.errors import INVALID_INPUT, CliError
from slt_cli.kafka import Record
from slt_cli.output import json_line
from slt_cli.render import console, show_value

DLQ_HEADER_PREFIX = "dlq_"


def dead_letter_topic_of(topic: str) -> str:
    """Operators may name the dead-letter topic or the topic whose letters they want."""
    return topic if topic.endswith(DLQ_SUFFIX) else dead_letter_topic(topic)


async def letters(bootstrap: str, topic: str) -> list[Record]:
    """Every letter on the dead-letter topic at this moment."""
    async with kafka.reader(bootstrap, [dead_letter_topic_of(topic)], from_beginning=True) as consumer:
        return [record async for record in kafka.records(consumer, to_end=True)]


async def list_letters(bootstrap: str, topic: str, as_json: bool = False) -> None:
    found = await letters(bootstrap, topic)
    if as_json:
        for letter in found:
            json_line(letter.as_json())
        return
    for letter in found:
        console.print(
            Text.assemble(
                (f"{letter.partition}:{letter.offset}", "bold"),
                " ",
                (letter.type or "(no ce_type)", "yellow"),
                f" id={letter.id or '-'} from {letter.header('dlq_original_topic')}"
                f"[{letter.header('dlq_original_partition')}]@{letter.header('dlq_original_offset')}"
                f" by {letter.header('dlq_consumer')}: ",
                (letter.header("dlq_reason"), "red"),
            )
        )
    console.print(f"{len(found)} dead letter(s) on {dead_letter_topic_of(topic)}", style="dim")


async def show_letter(bootstrap: str, topic: str, partition: int, offset: int) -> None:
    letter = await _letter_at(bootstrap, topic, partition, offset)
    console.print(Text(f"{letter.topic}[{letter.partition}]@{letter.offset} key={letter.key!r}", "bold"))
    for name, value in letter.headers:
        console.print(
            Text.assemble(
                (f"  {name}: ", "yellow" if name.startswith(DLQ_HEADER_PREFIX) else "cyan"),
                value.decode(errors="replace"),
            )
        )
    show_value(letter, indent=2)


async def replay(bootstrap: str, topic: str, partition: int, offsets: Sequence[int], everything: bool) -> None:
    """Re-publish letters to their original topic: same key, value and headers, less the dlq_* ones.

    A replayed message is new to the consumer (a new offset, and its `ce_id` was never applied),
    so it is processed again; if its cause is not fixed it is dead-lettered again.
    """
    if not offsets and not everything:
        raise CliError("name the offsets to replay, or --all", INVALID_INPUT)
    chosen = [
        letter
        for letter in await letters(bootstrap, topic)
        if everything or (letter.partition == partition and letter.offset in offsets)
    ]
    if missing := set(offsets) - {letter.offset for letter in chosen}:
        raise CliError(f"no dead letter at offset(s) {sorted(missing)} of {dead_letter_topic_of(topic)}", INVALID_INPUT)
    if unroutable := [letter.offset for letter in chosen if not letter.header("dlq_original_topic")]:
        raise CliError(f"letter(s) at {unroutable} name no dlq_original_topic to replay to", INVALID_INPUT)
    async with kafka.producer(bootstrap) as producer:
        for letter in chosen:
            original = letter.header("dlq_original_topic")
            headers = [(k, v) for k, v in letter.headers if not k.startswith(DLQ_HEADER_PREFIX)]
            sent = await producer.send_and_wait(original, letter.value, key=letter.key, headers=headers)
            console.print(
                f"replayed {letter.partition}:{letter.offset} to {original}[{sent.partition}]@{sent.offset}"
                f" (ce_id {letter.id or '-'})"
            )


async def _letter_at(bootstrap: str, topic: str, partition: int, offset: int) -> Record:
    where = TopicPartition(dead_letter_topic_of(topic), partition)
    async with kafka.reader(bootstrap, [where.topic], from_beginning=True) as consumer:
        if where not in consumer.assignment():
            raise CliError(f"{where.topic} has no partition {partition}", INVALID_INPUT)
        consumer.seek(where, offset)
        async for record in kafka.records(consumer, to_end=True):
            if (record.partition, record.offset) == (partition, offset):
                return record
    raise CliError(f"no dead letter at {dead_letter_topic_of(topic)}[{partition}]@{offset}", INVALID_INPUT)

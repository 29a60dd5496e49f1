"""`slt lag`: how far each consumer group is behind, per topic and partition, from the broker's numbers:
the offset the group committed and the end of the partition (the offset the next record will get)."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from slt_cli import kafka
from slt_cli.errors import INVALID_INPUT, CliError
from slt_cli.output import json_line
from slt_cli.render import console, fitting_table


@dataclass(frozen=True)
class Lag:
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group has committed nothing on this partition yet
    end: int
    lag: int  # records the group has still to take: end - committed (or - the oldest kept, when none)


async def lags(bootstrap: str, groups: Sequence[str]) -> list[Lag]:
    committed = await _committed(bootstrap, groups)
    topics = sorted({tp.topic for offsets in committed.values() for tp in offsets})
    if not topics:
        return []
    async with kafka.reader(bootstrap, topics, from_beginning=False) as consumer:
        partitions = sorted(consumer.assignment())
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
    rows = []
    for group, offsets in committed.items():
        for tp in (p for p in partitions if p.topic in {o.topic for o in offsets}):
            done = offsets.get(tp)
            rows.append(
                Lag(group, tp.topic, tp.partition, done, ends[tp], ends[tp] - (starts[tp] if done is None else done))
            )
    return rows


async def _committed(bootstrap: str, groups: Sequence[str]) -> dict[str, dict[TopicPartition, int]]:
    """Per group, its committed offsets (partitions without a commit left out)."""
    admin = AIOKafkaAdminClient(**kafka.connection(bootstrap))
    await kafka.started(admin.start, admin.close, bootstrap)
    try:
        known = sorted(group for group, *_ in await admin.list_consumer_groups())
        if unknown := [g for g in groups if g not in known]:
            raise CliError(
                f"no consumer group {', '.join(unknown)} on the broker",
                INVALID_INPUT,
                f"groups: {', '.join(known) or '(none)'}",
            )
        return {
            group: {
                tp: meta.offset
                for tp, meta in (await admin.list_consumer_group_offsets(group)).items()
                if meta.offset >= 0
            }
            for group in (groups or known)
        }
    finally:
        await admin.close()


def show(rows: list[Lag]) -> None:
    """A table per group, titled with how far behind the group is in all."""
    if not rows:
        console.print("no consumer group has committed offsets")
        return
    for group in dict.fromkeys(row.group for row in rows):
        mine = [row for row in rows if row.group == group]
        table = fitting_table(f"{group}: {sum(row.lag for row in mine)} record(s) behind")
        for column in ("topic", "partition", "committed", "end", "lag"):
            table.add_column(column, justify="left" if column == "topic" else "right", no_wrap=True)
        for row in mine:
            table.add_row(
                row.topic,
                str(row.partition),
                "-" if row.committed is None else str(row.committed),
                str(row.end),
                f"[bold red]{row.lag}[/]" if row.lag else "0",
            )
        console.print(table)


def show_json(rows: list[Lag]) -> None:
    for row in rows:
        json_line(asdict(row))

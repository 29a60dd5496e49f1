"""`slt watch`: live, decoded records of some topics, narrowed by type, stock or conversation."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from slt_cli import kafka
from slt_cli.kafka import Record
from slt_cli.render import show


@dataclass(frozen=True)
class Filter:
    """Which records to show. `fields` matches anywhere in the JSON value, so an item number is
    found in a line of a document as well as at the top (`{"item_no": ...}` or `new_item_no`)."""

    types: Sequence[str] = ()
    correlation_id: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def matches(self, record: Record) -> bool:
        if self.types and record.type not in self.types:
            return False
        if self.correlation_id and record.correlation_id != self.correlation_id:
            return False
        body = record.json() if self.fields else None
        return all(value in set(_values(body, name)) for name, value in self.fields.items())


def _values(body: Any, name: str) -> Iterator[str]:
    """Every value under a key `name` or `<prefix>_name` (`serial`, `new_serial`, `from_serial`...)."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key == name or key.endswith(f"_{name}"):
                yield str(value)
            yield from _values(value, name)
    elif isinstance(body, list):
        for value in body:
            yield from _values(value, name)


async def watch(
    bootstrap: str,
    topics: Sequence[str],
    only: Filter,
    from_beginning: bool,
    max_records: int | None,
    timeout: float | None,
    show: Callable[[Record], None] = show,
) -> int:
    """Show matching records until `max_records` were shown or `timeout` seconds passed; returns how many."""
    shown = 0
    async with kafka.reader(bootstrap, topics, from_beginning) as consumer:
        async for record in kafka.records(consumer, timeout=timeout):
            if only.matches(record):
                show(record)
                shown += 1
                if shown == max_records:
                    break
    return shown

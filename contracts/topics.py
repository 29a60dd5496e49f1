"""Topic names and their designed partition counts: the only place these literals live.

Partition counts are fixed per topic because the key (item + location for stock facts) decides
ordering; changing a count re-maps keys and breaks per-key order for in-flight messages.
"""

from dataclasses import dataclass

WAREHOUSE_COMMANDS = "warehouse.commands.v1"
WAREHOUSE_EVENTS = "warehouse.events.v1"
INVENTORY_COMMANDS = "inventory.commands.v1"
INVENTORY_EVENTS = "inventory.events.v1"
INVENTORY_REPLICATION = "inventory.replication.v1"
"""The inventory facts the warehouse replicates (`contracts.inventory.REPLICATION`), also on INVENTORY_EVENTS:
the warehouse reads only these, not the facts that grow per serial which it would only skip (issue 10)."""

DLQ_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    return topic + DLQ_SUFFIX


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int


_MAIN_TOPICS = (
    TopicSpec(WAREHOUSE_COMMANDS, 6),
    TopicSpec(WAREHOUSE_EVENTS, 6),
    TopicSpec(INVENTORY_COMMANDS, 6),
    TopicSpec(INVENTORY_EVENTS, 6),
    TopicSpec(INVENTORY_REPLICATION, 6),
)

ALL_TOPICS: tuple[TopicSpec, ...] = _MAIN_TOPICS + tuple(
    TopicSpec(dead_letter_topic(t.name), 1) for t in _MAIN_TOPICS
)

"""Which messages travel on which topic, looked up by `ce_type`.

Tools that handle every message (schema files, the AsyncAPI documents, the operator CLI) read
this map instead of keeping their own lists, so a new message type is known to all of them.
"""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message
from contracts.topics import (
    INVENTORY_COMMANDS,
    INVENTORY_EVENTS,
    INVENTORY_REPLICATION,
    WAREHOUSE_COMMANDS,
    WAREHOUSE_EVENTS,
)

TOPIC_MESSAGES: dict[str, dict[str, type[Message]]] = {
    INVENTORY_REPLICATION: inv.REPLICATION,  # first: TOPIC_OF names INVENTORY_EVENTS, where every fact is
    WAREHOUSE_COMMANDS: wh.COMMANDS,
    WAREHOUSE_EVENTS: wh.EVENTS,
    INVENTORY_COMMANDS: inv.COMMANDS,
    INVENTORY_EVENTS: inv.EVENTS,
}

ANSWERS_ON: dict[str, str] = {WAREHOUSE_COMMANDS: WAREHOUSE_EVENTS, INVENTORY_COMMANDS: INVENTORY_EVENTS}
"""Command topic -> the fact topic where its consumer publishes what each command caused."""

REFUSALS: frozenset[str] = frozenset({wh.CommandRejected.TYPE, inv.CommandRejected.TYPE, inv.ReservationRejected.TYPE})
"""Facts that say a command was refused rather than carried out."""

MESSAGES: dict[str, type[Message]] = {
    ce_type: model for models in TOPIC_MESSAGES.values() for ce_type, model in models.items()
}
TOPIC_OF: dict[str, str] = {ce_type: topic for topic, models in TOPIC_MESSAGES.items() for ce_type in models}

"""What the inventory service consumes, and which use case handles each message type."""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, WAREHOUSE_EVENTS
from inventory import handlers
from inventory.domain.errors import InventoryError
from servicekit.consumer import Rejections
from servicekit.runtime import Runtime

SOURCE = "/inventory"


def subscribe(runtime: Runtime) -> None:
    runtime.consume(
        INVENTORY_COMMANDS,
        "inventory.commands",
        {inv.RegisterItem: handlers.register_item},
        inv.COMMANDS,
        Rejections(INVENTORY_EVENTS, inv.CommandRejected, SOURCE, (InventoryError,)),
    )
    runtime.consume(
        WAREHOUSE_EVENTS,
        "inventory.warehouse-facts",
        {wh.LocationConfigured: handlers.replicate_location},
        wh.EVENTS,
    )

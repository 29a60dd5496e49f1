"""What the warehouse-tracking service consumes, and which use case handles each message type."""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_EVENTS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from servicekit.consumer import Rejections
from servicekit.runtime import Runtime
from warehouse import handlers
from warehouse.domain.errors import WarehouseError

SOURCE = "/warehouse"


def subscribe(runtime: Runtime) -> None:
    runtime.consume(
        WAREHOUSE_COMMANDS,
        "warehouse.commands",
        {wh.ConfigureLocation: handlers.configure_location},
        wh.COMMANDS,
        Rejections(WAREHOUSE_EVENTS, wh.CommandRejected, SOURCE, (WarehouseError,)),
    )
    runtime.consume(
        INVENTORY_EVENTS,
        "warehouse.inventory-facts",
        {inv.ItemRegistered: handlers.replicate_item_tracking},
        inv.EVENTS,
    )

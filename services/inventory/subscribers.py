"""What the inventory service consumes, and which use case handles each message type."""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, WAREHOUSE_EVENTS
from inventory import handlers, messages
from inventory.domain.errors import InventoryError
from servicekit.consumer import Rejections, Route
from servicekit.runtime import Runtime

SOURCE = "/inventory"

COMMANDS = [
    Route(inv.RegisterItem, messages.as_received, handlers.register_item),
    Route(inv.Reserve, messages.as_received, handlers.reserve),
    Route(inv.CancelReservation, messages.as_received, handlers.cancel_reservation),
    Route(inv.ReduceReservation, messages.as_received, handlers.reduce_reservation),
    Route(inv.ChangeReservationTracking, messages.as_received, handlers.change_reservation_tracking),
    Route(inv.DeleteDemandLine, messages.as_received, handlers.delete_demand_line),
    Route(inv.AssignTracking, messages.as_received, handlers.assign_tracking),
    Route(inv.BlockTracking, messages.as_received, handlers.block_tracking),
    Route(inv.UnblockTracking, messages.as_received, handlers.unblock_tracking),
]

# Warehouse facts inventory acts on; the others (releases, put-aways, movements) change no
# item ledger entry or availability and are skipped.
WAREHOUSE_FACTS = [
    Route(wh.LocationConfigured, messages.as_received, handlers.replicate_location),
    Route(wh.ReceiptPosted, messages.as_received, handlers.post_receipt),
    Route(wh.ShipmentPosted, messages.as_received, handlers.post_shipment),
    Route(wh.WarehouseAdjustmentPosted, messages.as_received, handlers.post_warehouse_adjustment),
    Route(wh.PickCreated, messages.as_received, handlers.record_pick_allocation),
    Route(wh.PickCancelled, messages.as_received, handlers.record_pick_allocation),
    Route(wh.PickRegistered, messages.as_received, handlers.register_pick),
    Route(wh.ReclassificationRegistered, messages.as_received, handlers.record_reclassification),
    Route(wh.WarehouseAdjustmentRegistered, messages.as_received, handlers.record_warehouse_adjustment),
    Route(wh.BinTotalsReported, messages.as_received, handlers.reconcile),
]


def subscribe(runtime: Runtime) -> None:
    runtime.consume(
        INVENTORY_COMMANDS,
        "inventory.commands",
        COMMANDS,
        inv.COMMANDS,
        Rejections(INVENTORY_EVENTS, inv.CommandRejected, SOURCE, (InventoryError,), messages.explanations),
    )
    runtime.consume(WAREHOUSE_EVENTS, "inventory.warehouse-facts", WAREHOUSE_FACTS, wh.EVENTS)

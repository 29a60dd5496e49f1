"""What the inventory service consumes, and which use case handles each message type."""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, WAREHOUSE_EVENTS
from inventory import handlers
from inventory.domain.errors import InventoryError
from servicekit.consumer import Rejections
from servicekit.runtime import Runtime

SOURCE = "/inventory"

COMMANDS = {
    inv.RegisterItem: handlers.register_item,
    inv.Reserve: handlers.reserve,
    inv.CancelReservation: handlers.cancel_reservation,
    inv.ReduceReservation: handlers.reduce_reservation,
    inv.ChangeReservationTracking: handlers.change_reservation_tracking,
    inv.DeleteDemandLine: handlers.delete_demand_line,
    inv.AssignTracking: handlers.assign_tracking,
    inv.BlockTracking: handlers.block_tracking,
    inv.UnblockTracking: handlers.unblock_tracking,
}

# Warehouse facts inventory acts on; the others (releases, put-aways, movements) change no
# item ledger entry or availability and are skipped.
WAREHOUSE_FACTS = {
    wh.LocationConfigured: handlers.replicate_location,
    wh.ReceiptPosted: handlers.post_receipt,
    wh.ShipmentPosted: handlers.post_shipment,
    wh.WarehouseAdjustmentPosted: handlers.post_warehouse_adjustment,
    wh.PickCreated: handlers.record_pick_allocation,
    wh.PickCancelled: handlers.record_pick_allocation,
    wh.PickRegistered: handlers.register_pick,
    wh.ReclassificationRegistered: handlers.record_reclassification,
    wh.WarehouseAdjustmentRegistered: handlers.record_warehouse_adjustment,
    wh.BinTotalsReported: handlers.reconcile,
}


def subscribe(runtime: Runtime) -> None:
    runtime.consume(
        INVENTORY_COMMANDS,
        "inventory.commands",
        COMMANDS,
        inv.COMMANDS,
        Rejections(INVENTORY_EVENTS, inv.CommandRejected, SOURCE, (InventoryError,)),
    )
    runtime.consume(WAREHOUSE_EVENTS, "inventory.warehouse-facts", WAREHOUSE_FACTS, wh.EVENTS)

"""What the inventory service consumes: per message type, the translator to its domain command and the use
case that handles it. Registering a new message is one row here."""

from typing import Any

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, INVENTORY_REPLICATION, WAREHOUSE_EVENTS
from inventory import handlers, messages
from inventory.domain.errors import InventoryError
from servicekit import asyncapi
from servicekit.consumer import Rejections, Route
from servicekit.runtime import Runtime
from units_of_measure import UnitError

COMMANDS: list[Route[Any, Any]] = [
    Route(inv.RegisterItem, messages.register_item, handlers.register_item),
    Route(inv.Reserve, messages.reserve, handlers.reserve),
    Route(inv.CancelReservation, messages.cancel_reservation, handlers.cancel_reservation),
    Route(inv.ReduceReservation, messages.reduce_reservation, handlers.reduce_reservation),
    Route(inv.ChangeReservationTracking, messages.change_reservation_tracking, handlers.change_reservation_tracking),
    Route(inv.DeleteDemandLine, messages.delete_demand_line, handlers.delete_demand_line),
    Route(inv.AssignTracking, messages.assign_tracking, handlers.assign_tracking),
    Route(inv.BlockTracking, messages.block_tracking, handlers.block_tracking),
    Route(inv.UnblockTracking, messages.unblock_tracking, handlers.unblock_tracking),
    Route(inv.SetItemUnits, messages.set_item_units, handlers.set_item_units),
    Route(inv.SetTrackingInformation, messages.set_tracking_information, handlers.set_tracking_information),
]

# Warehouse facts inventory acts on; the others (releases, put-aways, movements) change no
# item ledger entry or availability and are skipped.
WAREHOUSE_FACTS: list[Route[Any, Any]] = [
    Route(wh.LocationConfigured, messages.record_location, handlers.record_location),
    Route(wh.ReceiptPosted, messages.post_receipt, handlers.post_warehouse_document),
    Route(wh.ShipmentPosted, messages.post_shipment, handlers.post_warehouse_document),
    Route(wh.WarehouseAdjustmentPosted, messages.post_warehouse_adjustment, handlers.post_warehouse_document),
    Route(wh.PickCreated, messages.record_allocations, handlers.record_allocations),
    Route(wh.PickCancelled, messages.record_allocations, handlers.record_allocations),
    Route(wh.PickRegistered, messages.register_picks, handlers.register_picks),
    Route(wh.ReclassificationRegistered, messages.record_reclassification, handlers.record_adjustment_bin_changes),
    Route(wh.WarehouseAdjustmentRegistered, messages.record_warehouse_adjustment,
          handlers.record_adjustment_bin_changes),
    Route(wh.BinTotalsReported, messages.reconcile, handlers.reconcile),
]


def subscribe(runtime: Runtime) -> None:
    runtime.consume(
        INVENTORY_COMMANDS,
        "inventory.commands",
        COMMANDS,
        inv.COMMANDS,
        Rejections(INVENTORY_EVENTS, inv.CommandRejected, messages.SOURCE, (InventoryError, UnitError),
                   messages.explanations),
    )
    runtime.consume(WAREHOUSE_EVENTS, "inventory.warehouse-facts", WAREHOUSE_FACTS, wh.EVENTS)
    asyncapi.declare_facts(runtime.broker, INVENTORY_REPLICATION, "The facts the warehouse replicates, and only those: "
                           "each is also on inventory.events.v1, with the same ce_id (issue 10).")

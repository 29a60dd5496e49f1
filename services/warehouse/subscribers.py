"""Which topics the warehouse-tracking service consumes, and how each message type reaches its use case:
one row per message, contract -> translator (warehouse.messages) -> handler (warehouse.handlers)."""

from typing import Any

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_REPLICATION, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from servicekit.consumer import Rejections, Route
from servicekit.runtime import Runtime
from units_of_measure import UnitError
from warehouse import handlers, messages
from warehouse.domain.errors import WarehouseError

COMMAND_USE_CASES: list[Route[Any, Any]] = [
    Route(wh.ConfigureLocation, messages.configure_location, handlers.configure_location),
    Route(wh.ReleaseInboundRequest, messages.release_inbound_request, handlers.release_inbound_request),
    Route(wh.PostReceipt, messages.post_receipt, handlers.post_receipt),
    Route(wh.RegisterPutAway, messages.register_put_away, handlers.register_put_away),
    Route(wh.ReleaseOutboundRequest, messages.release_outbound_request, handlers.release_outbound_request),
    Route(wh.CreatePick, messages.create_pick, handlers.create_pick),
    Route(wh.RegisterPick, messages.register_pick, handlers.register_pick),
    Route(wh.CancelPick, messages.cancel_pick, handlers.cancel_pick),
    Route(wh.PostShipment, messages.post_shipment, handlers.post_shipment),
    Route(wh.CreateMovement, messages.create_movement, handlers.create_movement),
    Route(wh.RegisterMovement, messages.register_movement, handlers.register_movement),
    Route(wh.RegisterReclassification, messages.register_reclassification, handlers.register_reclassification),
    Route(wh.RegisterWarehouseAdjustment, messages.register_warehouse_adjustment,
          handlers.register_warehouse_adjustment),
    Route(wh.RegisterPhysicalCount, messages.register_physical_count, handlers.register_physical_count),
    Route(wh.CalculateWarehouseAdjustment, messages.calculate_warehouse_adjustment,
          handlers.calculate_warehouse_adjustment),
    Route(wh.ReportBinTotals, messages.report_bin_totals, handlers.report_bin_totals),
    Route(wh.ReleaseTransferOrder, messages.release_transfer_order, handlers.release_transfer_order),
]

# The inventory facts the warehouse replicates, read from `inventory.replication.v1`, which carries only these:
# the facts of `inventory.events.v1` that grow per serial (picked tracking, synchronized reservations, ledger
# entries) never reach the warehouse (issue 10). Same consumer group as when it read inventory.events.v1, so
# its inbox knows the facts it applied from there (they keep their ids on both topics).
INVENTORY_FACT_USE_CASES: list[Route[Any, Any]] = [
    Route(inv.ItemRegistered, messages.registered_item, handlers.replicate_item),
    Route(inv.ItemUnitsSet, messages.item_units, handlers.replicate_item_units),
    Route(inv.DemandReservationChanged, messages.demand_reservation, handlers.replicate_demand_reservation),
    Route(inv.TrackingAssigned, messages.tracking_assignment, handlers.replicate_tracking_assignment),
    Route(inv.TrackingBlocked, messages.tracking_block, handlers.replicate_tracking_block),
    Route(inv.TrackingUnblocked, messages.tracking_unblock, handlers.replicate_tracking_unblock),
    Route(inv.TrackingInformationChanged, messages.tracking_information, handlers.replicate_tracking_information),
]


def subscribe(runtime: Runtime) -> None:
    runtime.consume(
        WAREHOUSE_COMMANDS,
        "warehouse.commands",
        COMMAND_USE_CASES,
        wh.COMMANDS,
        Rejections(WAREHOUSE_EVENTS, wh.CommandRejected, messages.SOURCE, (WarehouseError, UnitError)),
    )
    runtime.consume(INVENTORY_REPLICATION, "warehouse.inventory-facts", INVENTORY_FACT_USE_CASES, inv.REPLICATION)

"""What the warehouse-tracking service consumes, and which use case handles each message type."""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_EVENTS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from servicekit.consumer import Rejections, Route
from servicekit.runtime import Runtime
from warehouse import handlers, messages
from warehouse.domain.errors import WarehouseError

SOURCE = "/warehouse"

COMMAND_USE_CASES = [
    Route(wh.ConfigureLocation, messages.as_received, handlers.configure_location),
    Route(wh.ReleaseInboundRequest, messages.as_received, handlers.release_inbound_request),
    Route(wh.PostReceipt, messages.as_received, handlers.post_receipt),
    Route(wh.RegisterPutAway, messages.as_received, handlers.register_put_away),
    Route(wh.ReleaseOutboundRequest, messages.as_received, handlers.release_outbound_request),
    Route(wh.CreatePick, messages.as_received, handlers.create_pick),
    Route(wh.RegisterPick, messages.as_received, handlers.register_pick),
    Route(wh.CancelPick, messages.as_received, handlers.cancel_pick),
    Route(wh.PostShipment, messages.as_received, handlers.post_shipment),
    Route(wh.CreateMovement, messages.as_received, handlers.create_movement),
    Route(wh.RegisterMovement, messages.as_received, handlers.register_movement),
    Route(wh.RegisterReclassification, messages.as_received, handlers.register_reclassification),
    Route(wh.RegisterWarehouseAdjustment, messages.as_received, handlers.register_warehouse_adjustment),
    Route(wh.RegisterPhysicalCount, messages.as_received, handlers.register_physical_count),
    Route(wh.CalculateWarehouseAdjustment, messages.as_received, handlers.calculate_warehouse_adjustment),
    Route(wh.ReportBinTotals, messages.as_received, handlers.report_bin_totals),
]

INVENTORY_FACT_USE_CASES = [
    Route(inv.ItemRegistered, messages.as_received, handlers.replicate_item_tracking),
    Route(inv.DemandReservationChanged, messages.as_received, handlers.replicate_demand_reservation),
    Route(inv.TrackingAssigned, messages.as_received, handlers.replicate_tracking_assignment),
    Route(inv.TrackingBlocked, messages.as_received, handlers.replicate_tracking_block),
    Route(inv.TrackingUnblocked, messages.as_received, handlers.replicate_tracking_unblock),
]


def subscribe(runtime: Runtime) -> None:
    runtime.consume(
        WAREHOUSE_COMMANDS,
        "warehouse.commands",
        COMMAND_USE_CASES,
        wh.COMMANDS,
        Rejections(WAREHOUSE_EVENTS, wh.CommandRejected, SOURCE, (WarehouseError,)),
    )
    runtime.consume(INVENTORY_EVENTS, "warehouse.inventory-facts", INVENTORY_FACT_USE_CASES, inv.EVENTS)

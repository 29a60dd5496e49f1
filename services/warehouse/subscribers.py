"""What the warehouse-tracking service consumes, and which use case handles each message type."""

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_EVENTS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS
from servicekit.consumer import Rejections
from servicekit.runtime import Runtime
from warehouse import handlers
from warehouse.domain.errors import WarehouseError

SOURCE = "/warehouse"

COMMAND_USE_CASES = {
    wh.ConfigureLocation: handlers.configure_location,
    wh.ReleaseInboundRequest: handlers.release_inbound_request,
    wh.PostReceipt: handlers.post_receipt,
    wh.RegisterPutAway: handlers.register_put_away,
    wh.ReleaseOutboundRequest: handlers.release_outbound_request,
    wh.CreatePick: handlers.create_pick,
    wh.RegisterPick: handlers.register_pick,
    wh.CancelPick: handlers.cancel_pick,
    wh.PostShipment: handlers.post_shipment,
    wh.CreateMovement: handlers.create_movement,
    wh.RegisterMovement: handlers.register_movement,
    wh.RegisterReclassification: handlers.register_reclassification,
    wh.RegisterWarehouseAdjustment: handlers.register_warehouse_adjustment,
    wh.RegisterPhysicalCount: handlers.register_physical_count,
    wh.CalculateWarehouseAdjustment: handlers.calculate_warehouse_adjustment,
    wh.ReportBinTotals: handlers.report_bin_totals,
}

INVENTORY_FACT_USE_CASES = {
    inv.ItemRegistered: handlers.replicate_item_tracking,
    inv.DemandReservationChanged: handlers.replicate_demand_reservation,
    inv.TrackingAssigned: handlers.replicate_tracking_assignment,
    inv.TrackingBlocked: handlers.replicate_tracking_block,
    inv.TrackingUnblocked: handlers.replicate_tracking_unblock,
}


def subscribe(runtime: Runtime) -> None:
    runtime.consume(
        WAREHOUSE_COMMANDS,
        "warehouse.commands",
        COMMAND_USE_CASES,
        wh.COMMANDS,
        Rejections(WAREHOUSE_EVENTS, wh.CommandRejected, SOURCE, (WarehouseError,)),
    )
    runtime.consume(INVENTORY_EVENTS, "warehouse.inventory-facts", INVENTORY_FACT_USE_CASES, inv.EVENTS)

"""One example of every message, for the schema files, the AsyncAPI documents and `slt example TYPE`.

The examples tell one story: lot-tracked item BIKE-100 at location WH1 is received on RCPT-1001,
put away, reserved for sales order SO-7001, picked and shipped. They are built from the models,
field by field, from `VALUES` (by field name) and `OVERRIDES` (by message), then validated by the
model, so an example is always a valid message as it travels (decimals as JSON strings).
"""

import types
import typing
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.base import Message

VALUES: dict[str, Any] = {
    "item_no": "BIKE-100", "location_code": "WH1", "variant": "", "serial": "", "lot": "LOT-2026-03",
    "expiration": "2027-03-31", "base_unit": "PCS", "tracking_policy": "lot", "expiration_required": True,
    "receipt_no": "RCPT-1001", "put_away_no": "RCPT-1001-PA1", "shipment_no": "SHIP-2001", "pick_no": "PICK-2001",
    "movement_no": "MOVE-3001", "document_no": "ADJ-4001", "request_id": "RECON-5001",
    "posting_id": "5f0c2a9e-3b1d-4c55-9a57-2f6a3c1e7b10", "command_id": "0b6e4f1a-8c2d-4e7f-9a31-5d2c8b7e6f40",
    "source_no": "SO-7001", "source_line_no": 10000, "line_no": 10000, "document_line_no": 10000,
    "bin_code": "R-01", "from_bin": "P-01", "to_bin": "P-02", "take_bin": "P-01", "place_bin": "S-01",
    "receive_bin": "R-01", "ship_bin": "S-01", "adjustment_bin": "ADJ", "zone": "PICK",
    "quantity": "5", "counted_quantity": "5", "requested_quantity": "5", "picked_quantity": "5",
    "shipped_quantity": "5", "consumed_reservation": "5", "reserved": "5", "inventory": "12",
    "available_to_reserve": "7", "posting_date": "2026-03-02", "entry_no": 1, "entry_type": "purchase",
    "document_type": "receipt", "open": True, "remaining_quantity": "5", "real_bins": "12", "ledger_inventory": "12",
    "items_in_report": 1, "reason_code": "insufficient_availability", "reason": "damaged in transit",
    "message": "Only 2 PCS of BIKE-100 are available to reserve at WH1; reduce the quantity or allow partial.",
    "command_type": "inventory.reservation.reserve.v1", "correlation_id": "SO-7001",
    "from_lot": "LOT-2026-03", "to_lot": "LOT-2026-04", "new_lot": "LOT-2026-04", "source_type": "sales_order",
    "from_expiration": "2027-03-31", "to_expiration": "2027-03-31",
    # lot and serial information (Q1, Q2)
    "quality_status": "quarantine", "previous_quality_status": "released", "certificate_no": "COA-2026-0317",
    "comment": "awaiting the lab's test result", "warranty_formula": "2Y", "warranty_date": "2028-03-02",
}
"""Example values by field name; a field not named here takes its default, or a value of its type."""

OVERRIDES: dict[type[BaseModel], dict[str, Any]] = {
    wh.ConfigureLocation: {
        "zones": [{"code": "RECV"}, {"code": "PICK"}, {"code": "SHIP"}, {"code": "ADJ"}],
        "bins": [{"code": "R-01", "zone": "RECV", "types": ["receive"]},
                 {"code": "P-01", "zone": "PICK", "types": ["put_away", "pick"], "ranking": 10},
                 {"code": "P-02", "zone": "PICK", "types": ["put_away", "pick"], "ranking": 20},
                 {"code": "S-01", "zone": "SHIP", "types": ["ship"]}, {"code": "ADJ", "zone": "ADJ", "types": []}],
        "pick_by_fefo": True,
    },
    wh.LocationConfigured: {"zones": [{"code": "PICK"}], "bins": [{"code": "P-01", "zone": "PICK", "types": ["pick"]}]},
    wh.ReleaseInboundRequest: {"source_type": "purchase_order", "source_no": "PO-6001", "lines": [
        {"line_no": 10000, "source_line_no": 10000, "item_no": "BIKE-100", "quantity": "5"}]},
    wh.ReceiptReleased: {"source_type": "purchase_order", "source_no": "PO-6001"},
    wh.PostReceipt: {"lines": [{"line_no": 10000, "lot": "LOT-2026-03", "expiration": "2027-03-31", "quantity": "5"}]},
    wh.ReleaseOutboundRequest: {"lines": [{"line_no": 10000, "source_line_no": 10000, "item_no": "BIKE-100",
                                           "quantity": "5"}]},
    wh.RegisterPutAway: {"lines": [{"line_no": 10000, "quantity": "5", "place_bin": "P-01"}]},
    wh.RegisterPick: {"lines": [{"line_no": 10000, "quantity": "5"}]},
    wh.RegisterMovement: {"lines": [{"line_no": 10000, "quantity": "5", "place_bin": "P-02"}]},
    wh.CreateMovement: {"lines": [{"item_no": "BIKE-100", "from_bin": "P-01", "to_bin": "P-02", "lot": "LOT-2026-03",
                                   "quantity": "5"}]},
    wh.RegisterWarehouseAdjustment: {"lines": [{"item_no": "BIKE-100", "bin_code": "P-01", "lot": "LOT-2026-03",
                                                "expiration": "2027-03-31", "quantity": "1"}]},
    wh.CalculateWarehouseAdjustment: {"item_nos": ["BIKE-100"]},
    wh.ReportBinTotals: {"item_nos": ["BIKE-100"]},
    inv.Reserve: {"bin_code": ""},
    inv.ReservationRejected: {"available_quantity": "2"},
    inv.PostingParked: {"reason_code": "insufficient_stock",
                        "message": "The shipment takes 5 PCS of lot LOT-2026-03 that the ledger does not hold yet."},
    wh.BinTotalLine: {"adjustment_bin": "0"},
    inv.Difference: {"adjustment_bin": "0", "real_bins": "11", "difference": "-1"},
    # --- transfers between locations (X1-X6): BIKE-100 goes from WH1 through TRANSIT to WH2 on TO-8001
    wh.ReleaseTransferOrder: {"transfer_no": "TO-8001", "from_location": "WH1", "to_location": "WH2",
                              "in_transit_location": "TRANSIT",
                              "lines": [{"line_no": 10000, "item_no": "BIKE-100", "quantity": "5"}]},
    wh.TransferShipped: {"transfer_no": "TO-8001", "from_location": "WH1", "to_location": "WH2",
                         "in_transit_location": "TRANSIT", "receipt_no": "TO-8001"},
    wh.ShippedTrackingLine: {"line_no": 1},
    # units of measure (U1-U4): BIKE-100 also comes in boxes of 12.
    inv.ItemUnit: {"code": "BOX", "quantity_per_base_unit": "12", "rounding_precision": "1"},
    inv.ItemUnitLine: {"code": "BOX", "quantity_per_base_unit": "12", "rounding_precision": "1"},
    inv.SetItemUnits: {"rounding_precision": "1"},
    inv.ItemUnitsSet: {"rounding_precision": "1"},
    # A1: SO-7001's pick of 2 is reserved too, so it is subtracted once: 12 - 2 - 5 + 2 = 7.
    inv.AvailabilityChanged: {"on_picks_and_movements": "2", "reserved_and_allocated_same_demand": "2"},
}
"""Whole fields of messages and parts where a value by field name would not make sense."""


def example(model: type[Message]) -> dict[str, Any]:
    """The example of `model`, as JSON travels on the wire."""
    return model.model_validate(_fields(model)).model_dump(mode="json")


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return {**{name: _value(name, field) for name, field in model.model_fields.items()}, **OVERRIDES.get(model, {})}


def _value(name: str, field: FieldInfo) -> Any:
    if name in VALUES:
        return VALUES[name]
    nested = _part_type(field.annotation)
    if nested is not None:
        is_list = typing.get_origin(field.annotation) is tuple
        return [_fields(nested)] if is_list else _fields(nested)
    if not field.is_required():
        return field.get_default(call_default_factory=True)
    return _of_type(field.annotation)


def _part_type(annotation: Any) -> type[BaseModel] | None:
    """The model inside `Part`, `tuple[Part, ...]` or `Part | None`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (tuple, typing.Union, types.UnionType):
        return next(filter(None, (_part_type(arg) for arg in typing.get_args(annotation))), None)
    return None


def _of_type(annotation: Any) -> Any:
    """A plain value of a required field's type: 0, false, a date, a string."""
    kinds = set(typing.get_args(annotation)) or {annotation}
    for kind, value in ((bool, False), (int, 0), (Decimal, "0"), (date, "2026-03-02"), (tuple, [])):
        if any(k is kind or typing.get_origin(k) is kind for k in kinds):
            return value
    return ""

"""`slt recall` joins the two ledgers' answers (R1): what the item ledger holds beyond the bins is in transit
at an in-transit location (X1), and otherwise shown as not in a bin."""

from slt_cli.recall import BACKWARD, FORWARD, _posting, _where_now

LEDGER_ROW = {"item_no": "BOLT", "variant_code": "", "serial_no": "", "lot_no": "L1"}


def remaining(location: str, quantity: str, kind: str = "warehouse") -> dict:
    return {**LEDGER_ROW, "location_code": location, "remaining_quantity": quantity, "location_kind": kind}


def in_bin(location: str, bin_code: str, quantity: str) -> dict:
    return {"item_no": "BOLT", "location_code": location, "zone_code": "PICK", "bin_code": bin_code, "variant": "",
            "serial": "", "lot": "L1", "expiration": None, "quantity": quantity}


def entry(entry_type: str, quantity: str, **fields) -> dict:
    return {"entry_no": 7, "entry_type": entry_type, "item_no": "BOLT", "location_code": "EAST", "variant_code": "",
            "serial_no": "", "lot_no": "L1", "quantity": quantity, "document_type": "transfer_shipment", "document_no": "TO-1",
            "source_type": "", "source_no": "", "source_line_no": 0, "posting_date": "2026-03-01",
            "posted_at": "2026-03-01T10:00:00+00:00", "customer_no": "", "vendor_no": "", "destinations": [],
            "origins": [], "applied_to": [], "remaining_quantity": "0", **fields}


def test_R1_stock_at_an_in_transit_location_is_in_transit():
    shown = _where_now([remaining("EAST", "6"), remaining("TRANSIT", "3", "in_transit")], [in_bin("EAST", "P-01", "6")])

    assert [(row["place"], row["location_code"], row["bin_code"], row["quantity"]) for row in shown] == [
        ("bin", "EAST", "P-01", "6"), ("in transit", "TRANSIT", "", "3")]


def test_R1_ledger_stock_beyond_the_bins_is_shown_as_not_in_a_bin():
    shown = _where_now([remaining("EAST", "8"), remaining("WEST", "1")], [in_bin("EAST", "P-01", "6")])

    assert [(row["place"], row["location_code"], row["quantity"]) for row in shown] == [
        ("bin", "EAST", "6"), ("not in a bin", "EAST", "2"), ("not in a bin", "WEST", "1")]


def test_R1_a_transfer_out_is_a_forward_posting_with_its_destination_and_a_transfer_in_names_its_origin():
    out = _posting(entry("transfer", "3", destinations=["WEST"]), FORWARD)
    back = _posting(entry("transfer", "3", origins=["EAST"], location_code="WEST"), BACKWARD)

    assert (out["kind"], out["destination"], out["document"], out["date"]) == (
        "transfer out", "WEST", "transfer_shipment TO-1", "2026-03-01")
    assert (back["kind"], back["origin"], back["location_code"]) == ("transfer in", "EAST", "WEST")


def test_R1_an_entry_posted_before_posting_dates_were_kept_shows_the_day_the_ledger_posted_it():
    shown = _posting(entry("sale", "2", posting_date=None, customer_no="C1"), FORWARD)

    assert (shown["date"], shown["customer_no"], shown["kind"]) == ("2026-03-01", "C1", "shipment")

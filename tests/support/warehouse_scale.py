"""Z1 scenarios for the warehouse domain: one document of `n` serials (or `n` lines) through every use case.

`serial_document(n)` and `many_lines(n)` run the flow once to build each step's inputs, and return one
callable per step that repeats that step on them (the domain is pure, so a step can be run again and
again): the scale tests count their operations, the domain benchmark times them.
"""

from collections.abc import Callable

from tests.support.warehouse_builders import D, apply, location, order, picking, purchase, stock
from warehouse.domain.activities import PlaceHandling
from warehouse.domain.inbound import ReceivedQuantity, post_receipt, register_put_away
from warehouse.domain.outbound import PickHandling, create_pick, post_shipment, register_pick
from warehouse.domain.picking import Reservation
from warehouse.domain.release import SourceRequest, release_inbound, release_outbound
from warehouse.domain.tracking import Tracking

Steps = dict[str, Callable[[], object]]


def serial_document(n: int) -> Steps:
    """One receipt line and one shipment line of `n` serials of PHONE."""
    return _flow("PHONE", [n], [Tracking(serial=f"SN{i:06}") for i in range(n)])


def many_lines(n: int) -> Steps:
    """`n` receipt lines and `n` shipment lines of one untracked BOLT each, every order line reserved."""
    return _flow("BOLT", [1] * n, [Tracking()] * n, reserved=True)


def _flow(item_no: str, line_quantities: list[int], trackings: list[Tracking], reserved: bool = False) -> Steps:
    warehouse = location()
    requests = [SourceRequest(purchase("PO1", i), item_no, D(q)) for i, q in enumerate(line_quantities, 1)]
    receipt = release_inbound("RC1", requests, stock(loc=warehouse)).receipt
    line_of = [i for i, q in enumerate(line_quantities, 1) for _ in range(q)]
    received = [ReceivedQuantity(no, D(1), t) for no, t in zip(line_of, trackings, strict=True)]
    steps: Steps = {"post receipt": lambda: post_receipt(receipt, received, "PA1", stock(loc=warehouse))}
    posted = steps["post receipt"]()
    content = apply([], posted.entries, warehouse)
    placed = [PlaceHandling(line.line_no, line.quantity, "A1") for line in posted.put_away.lines]
    steps["register put-away"] = lambda: register_put_away(posted.put_away, placed, stock(content, warehouse))
    stored = apply(content, steps["register put-away"]().entries, warehouse)
    orders = [SourceRequest(order("SO1", i), item_no, D(q)) for i, q in enumerate(line_quantities, 1)]
    shipment = release_outbound("SH1", orders, stock(loc=warehouse)).shipment
    reservations = [Reservation(demand=r.source, item_no=item_no, quantity=r.quantity) for r in orders if reserved]
    steps["create pick"] = lambda: create_pick(shipment, "PK1", picking(stored, warehouse, reservations=reservations))
    created = steps["create pick"]()
    handled = [PickHandling(line.line_no, line.quantity) for line in created.pick.lines]
    steps["register pick"] = lambda: register_pick(created.pick, created.shipment, handled,
                                                   picking(stored, warehouse))
    picked = steps["register pick"]()
    in_ship_bin = apply(stored, picked.entries, warehouse)
    steps["post shipment"] = lambda: post_shipment(picked.shipment, "ADJ1", stock(in_ship_bin, warehouse))
    steps["post shipment"]()
    return steps

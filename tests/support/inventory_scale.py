"""Z1 scenarios for the inventory domain: one warehouse document of `n` serials through every use case.

`serial_document(n)` and `other_serials_picked(n)` run the flow once through `Books` to build each step's
state, and return one callable per step that repeats that step's use case on it (the domain is pure): the
scale tests count their operations, the domain benchmark times them.
"""

from collections.abc import Callable

from inventory.domain.availability import AllocationChange
from inventory.domain.commands import RegisteredPick
from inventory.domain.reservations import reserve
from inventory.domain.synchronization import post, record_allocation_changes, register_pick
from tests.support.inventory_books import Books, d, demand, item, key, line, receipt, request, shipment

Steps = dict[str, Callable[[], object]]


def serial_document(n: int) -> Steps:
    """A receipt of `n` serials of PHONE, one demand reserving them all, a pick of them and its shipment."""
    return _flow(n, in_stock=n, picked_from=0)


def other_serials_picked(n: int) -> Steps:
    """A receipt of 2·`n` serials, one demand reserving `n` (the first in), a pick of the OTHER `n` and its
    shipment: every picked serial takes over a reservation of the demand (late binding, S3)."""
    return _flow(n, in_stock=2 * n, picked_from=n)


def _flow(n: int, in_stock: int, picked_from: int) -> Steps:
    books = Books(item("PHONE", policy="serial"))
    serials = [key("PHONE", serial=f"SN{i:06}") for i in range(in_stock)]
    picked = serials[picked_from:picked_from + n]
    so = demand("SO-1")
    steps: Steps = {}
    _step(books, steps, "post receipt", lambda state: post(
        receipt("R-1", *(line(k, 1, doc_line=i) for i, k in enumerate(serials, 1))), state))
    _step(books, steps, "reserve", lambda state: reserve(request(so, n, "PHONE"), state))
    _step(books, steps, "create pick (S2)", lambda state: record_allocation_changes(
        [AllocationChange.activity_created(so, k, d(1)) for k in picked], state))
    _step(books, steps, "register pick (S3)", lambda state: register_pick(
        [RegisteredPick(so, k, d(1)) for k in picked], state))
    _step(books, steps, "post shipment", lambda state: post(shipment("SH-1", so, *((k, 1) for k in picked)), state))
    return steps


def _step(books: Books, steps: Steps, name: str, use_case: Callable) -> None:
    state = books.state
    steps[name] = lambda: use_case(state)
    books.write(steps[name]())

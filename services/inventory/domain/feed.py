"""The availability feed (A1): what a message did to available to reserve, so that order systems
subscribe instead of polling.

Answered from the maintained totals (I8) the message loaded and the deltas its use case hands back,
never from the ledger: per item/variant/location, the I5 figures before and after the message; one
`AvailabilityChanged` for each row whose figures differ, carrying the figures after. Only the
location rows and the serial/lot rows a block covers take part (the blocked term), so the cost
follows what the message changed, not the item's whole stock (Z1).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from .availability import AvailabilityBreakdown, StockKey, StockTotals, availability
from .events import AvailabilityChanged
from .keys import BlockedTracking, LocationKey, TrackingKey
from .workspace import StockChanges, StockState


class Announce(Enum):
    """What the feed announces for one message."""

    CHANGED = "changed"  # the rows whose figures the message changed
    DEFERRED = "deferred"  # nothing: a later part of the same warehouse fact announces
    CURRENT = "current"  # every row of the stock, changed or not: the last part of a fact in parts


@dataclass(frozen=True)
class Feed:
    """How to announce a message: `blocked_before`, when the message changed the item's blocked
    numbers (T4), is what they were before it; None: the blocks the state holds were there before."""

    announce: Announce = Announce.CHANGED
    blocked_before: tuple[BlockedTracking, ...] | None = None


def nothing_changed(state: StockState) -> StockChanges:
    """A use case that changes no stock: the feed still announces what the message changed around it
    (a block lifted, the earlier parts of a fact)."""
    return StockChanges()


def availability_changed(state: StockState, changes: StockChanges, feed: Feed = Feed()) -> list[AvailabilityChanged]:
    """The `AvailabilityChanged` events of one message about this stock, location by location."""
    if feed.announce is Announce.DEFERRED:
        return []
    blocked_before = state.blocked if feed.blocked_before is None else feed.blocked_before
    involved = (*blocked_before, *state.blocked)
    before = _rows(state.totals, (), involved)
    after = _rows(state.totals, changes.totals, involved)
    announced = []
    for location in sorted(key for key in after if isinstance(key, LocationKey)):
        figures = _figures(location, after, state.blocked)
        if feed.announce is Announce.CURRENT or figures != _figures(location, before, blocked_before):
            announced.append(AvailabilityChanged(location, figures))
    return announced


def _rows(
    stored: Iterable[StockTotals], deltas: Iterable[StockTotals], blocks: tuple[BlockedTracking, ...]
) -> dict[StockKey, StockTotals]:
    """Stored rows plus deltas: every location row, and the serial/lot rows one of `blocks` covers."""
    rows: dict[StockKey, StockTotals] = {}
    for row in (*stored, *deltas):
        if isinstance(row.key, TrackingKey) and not any(block.covers(row.key) for block in blocks):
            continue
        rows[row.key] = rows[row.key] + row if row.key in rows else row
    return rows


def _figures(
    location: LocationKey, rows: dict[StockKey, StockTotals], blocks: tuple[BlockedTracking, ...]
) -> AvailabilityBreakdown:
    tracking_rows = [row for key, row in rows.items() if isinstance(key, TrackingKey) and key.location_key == location]
    return availability(rows.get(location, StockTotals(location)), tracking_rows, blocks)

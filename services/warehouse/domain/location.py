"""Locations, zones and bins: where stock may lie, and which flows may use each bin."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, Flag, auto

from warehouse.domain.errors import (
    AdjustmentBinNotAllowedError,
    BinBlockedInboundError,
    BinBlockedOutboundError,
    BinNotAllowedError,
    BinNotEmptyError,
    ContentInReceiveBinError,
    ContentInShipBinError,
    DuplicateBinError,
    DuplicateZoneError,
    InTransitLocationHasBinsError,
    InvalidBinTypeError,
    UnknownBinError,
    UnknownLocationError,
    UnknownZoneError,
)
from warehouse.domain.events import DomainEvent, Outcome
from warehouse.domain.stock import BinContent, ContentRow


class BinType(Flag):
    """Bin type flags. No flag at all means a QC-like bin whose content takes part in no flow."""

    RECEIVE = auto()
    SHIP = auto()
    PUT_AWAY = auto()
    PICK = auto()


QC = BinType(0)
_BIN_TYPE_NAMES = {"receive": BinType.RECEIVE, "ship": BinType.SHIP, "put_away": BinType.PUT_AWAY, "pick": BinType.PICK}
_ALLOWED_TYPES = frozenset(
    {QC, BinType.RECEIVE, BinType.SHIP, BinType.PUT_AWAY, BinType.PICK, BinType.PUT_AWAY | BinType.PICK}
)


def bin_type(names: Iterable[str]) -> BinType:
    """The flags of a bin's type names, as commands and the database spell them."""
    flags = BinType(0)
    for name in names:
        if name not in _BIN_TYPE_NAMES:
            raise InvalidBinTypeError(f"Bin type {name!r} is unknown: use {', '.join(_BIN_TYPE_NAMES)}.")
        flags |= _BIN_TYPE_NAMES[name]
    return flags


def bin_type_names(flags: BinType) -> tuple[str, ...]:
    return tuple(name for name, flag in _BIN_TYPE_NAMES.items() if flag in flags)


class BlockMovement(Enum):
    NONE = "none"
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    ALL = "all"


@dataclass(frozen=True)
class Bin:
    code: str
    zone: str
    type: BinType = QC
    ranking: int = 0
    block_movement: BlockMovement = BlockMovement.NONE
    dedicated: bool = False

    @property
    def blocks_inbound(self) -> bool:
        return self.block_movement in (BlockMovement.INBOUND, BlockMovement.ALL)

    @property
    def blocks_outbound(self) -> bool:
        return self.block_movement in (BlockMovement.OUTBOUND, BlockMovement.ALL)

    @property
    def is_pickable(self) -> bool:
        """W5: pick proposals come only from Pick bins that release stock and serve any demand.

        Receive bins never qualify (W3): Receive stands alone, so it never carries the Pick flag.
        """
        return BinType.PICK in self.type and not self.blocks_outbound and not self.dedicated

    @property
    def is_put_away_target(self) -> bool:
        """Put-away proposals go to Put-away bins that accept stock and are not set aside for a demand."""
        return BinType.PUT_AWAY in self.type and not self.blocks_inbound and not self.dedicated


@dataclass(frozen=True)
class Location:
    code: str
    zones: frozenset[str]
    bins: Mapping[str, Bin]
    receive_bin: str
    ship_bin: str
    adjustment_bin: str
    pick_by_fefo: bool = False
    in_transit: bool = False
    """X1: a location stock passes through between two others; it has no zones and no bins."""

    def bin(self, code: str) -> Bin:
        try:
            return self.bins[code]
        except KeyError:
            raise UnknownBinError(f"Bin {code} does not exist at location {self.code}: check the bin code.") from None

    def bin_content(self, rows: Iterable[ContentRow]) -> BinContent:
        """The projection of this location's content: only its adjustment bin may go below zero (W1, W9)."""
        return BinContent(rows, virtual_bins=[(self.code, self.adjustment_bin)])

    def take_bin(self, code: str) -> Bin:
        """A bin that stock leaves: it must release stock and be a real bin (W7, W9)."""
        found = self.real_bin(code)
        if found.blocks_outbound:
            raise BinBlockedOutboundError(
                f"Bin {code} at location {self.code} is blocked for outbound movement: take from another bin "
                "or unblock it."
            )
        return found

    def place_bin(self, code: str) -> Bin:
        """A bin that stock enters: it must accept stock and be a real bin (W7, W9)."""
        found = self.real_bin(code)
        if found.blocks_inbound:
            raise BinBlockedInboundError(
                f"Bin {code} at location {self.code} is blocked for inbound movement: place into another bin "
                "or unblock it."
            )
        return found

    def storage_take_bin(self, code: str) -> Bin:
        """Movements and reclassifications take only stored stock.

        W3: received stock must be put away first. Decision: content in a ship bin belongs to picked
        shipments and leaves only by posting them, so nothing else may take it either.
        """
        found = self.take_bin(code)
        if BinType.RECEIVE in found.type:
            raise ContentInReceiveBinError(
                f"Bin {code} at location {self.code} is a receive bin: put its content away before moving it."
            )
        if BinType.SHIP in found.type:
            raise ContentInShipBinError(
                f"Bin {code} at location {self.code} is a ship bin: its content belongs to picked shipments "
                "and leaves only when they are posted."
            )
        return found

    def storage_place_bin(self, code: str) -> Bin:
        """Put-aways and movements place into storage: stock in a receive or ship bin would have no flow out."""
        found = self.place_bin(code)
        if found.type & (BinType.RECEIVE | BinType.SHIP):
            raise BinNotAllowedError(
                f"Bin {code} at location {self.code} is a receive or ship bin: place the stock into a "
                "put-away, pick or QC bin."
            )
        return found

    def real_bin(self, code: str) -> Bin:
        """Any bin but the adjustment bin, which is virtual and takes part in no flow (W9)."""
        if code == self.adjustment_bin:
            raise AdjustmentBinNotAllowedError(
                f"Bin {code} is the adjustment bin of location {self.code}: it is virtual, use a real bin."
            )
        return self.bin(code)


@dataclass(frozen=True)
class LocationConfigured(DomainEvent):
    """`zone_descriptions` travel with the layout; the rules never read them."""

    location: Location
    zone_descriptions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class LocationOutcome(Outcome):
    location: Location


def require_location(code: str, location: Location | None) -> Location:
    """For loaders: a command naming a location the warehouse does not know is refused, not crashed."""
    if location is None:
        raise UnknownLocationError(f"Location {code} is not configured: configure it before using it.")
    return location


def configure_location(
    code: str,
    *,
    zones: Sequence[str],
    bins: Sequence[Bin],
    receive_bin: str,
    ship_bin: str,
    adjustment_bin: str,
    pick_by_fefo: bool = False,
    current: Location | None = None,
    bins_with_content: Collection[str] = (),
    zone_descriptions: Mapping[str, str] | None = None,
) -> LocationOutcome:
    """Validate a location's complete configuration; it replaces `current` as a whole.

    `bins_with_content` are the codes of the location's bins that hold content (adjustment bin included):
    such a bin cannot be dropped, and a holding adjustment bin cannot be swapped, because the stock in it
    would no longer be seen by anyone (W1, S7).
    """
    zone_set = _unique(zones, DuplicateZoneError, f"Zone {{}} appears twice at location {code}: keep one.")
    by_code = {b.code: b for b in bins}
    _unique([b.code for b in bins], DuplicateBinError, f"Bin {{}} appears twice at location {code}: keep one.")
    for b in bins:
        _check_bin(code, b, zone_set)
    location = Location(code, zone_set, by_code, receive_bin, ship_bin, adjustment_bin, pick_by_fefo)
    _check_default_bin(location, receive_bin, BinType.RECEIVE, "receive")
    _check_default_bin(location, ship_bin, BinType.SHIP, "ship")
    _check_default_bin(location, adjustment_bin, QC, "adjustment")
    _check_nothing_hidden(location, current, bins_with_content)
    return LocationOutcome(location=location, events=(LocationConfigured(location, zone_descriptions or {}),))


def configure_in_transit_location(code: str, zones: Sequence[str], bins: Sequence[Bin], default_bins: Sequence[str],
                                  current: Location | None) -> LocationOutcome:
    """X1: an in-transit location holds stock only on the item ledger, so it has nothing to configure but its
    code; a warehouse location cannot become one (its bins would be hidden)."""
    if zones or bins or any(default_bins) or (current is not None and not current.in_transit):
        raise InTransitLocationHasBinsError(
            f"In-transit location {code} takes no zones, bins or default bins (and cannot replace a warehouse "
            "location of that code): leave them blank or choose another code.")
    location = Location(code, frozenset(), {}, "", "", "", in_transit=True)
    return LocationOutcome(location=location, events=(LocationConfigured(location, {}),))


def _unique(codes: Sequence[str], error: type[Exception], message: str) -> frozenset[str]:
    seen: set[str] = set()
    for c in codes:
        if c in seen:
            raise error(message.format(c))
        seen.add(c)
    return frozenset(seen)


def _check_bin(location_code: str, b: Bin, zones: frozenset[str]) -> None:
    if b.zone not in zones:
        raise UnknownZoneError(f"Bin {b.code} names zone {b.zone}, which location {location_code} does not have.")
    if b.type not in _ALLOWED_TYPES:
        raise InvalidBinTypeError(
            f"Bin {b.code} at location {location_code} combines {b.type.name}: only Put-away and Pick may "
            "combine; Receive and Ship stand alone."
        )


def _check_default_bin(location: Location, code: str, expected: BinType, role: str) -> None:
    """The default receive and ship bins must carry their flag; the adjustment bin carries none (it is virtual)."""
    found = location.bin(code)
    if found.type != expected:
        wanted = expected.name or "no flag"
        raise InvalidBinTypeError(
            f"The {role} bin {code} of location {location.code} must have type {wanted}, not "
            f"{found.type.name or 'no flag'}: choose another bin or change its type."
        )


def _check_nothing_hidden(location: Location, current: Location | None, bins_with_content: Collection[str]) -> None:
    for code in bins_with_content:
        if code not in location.bins:
            raise BinNotEmptyError(
                f"Bin {code} at location {location.code} holds content: empty it before removing it."
            )
    if current and current.adjustment_bin != location.adjustment_bin and current.adjustment_bin in bins_with_content:
        raise BinNotEmptyError(
            f"Adjustment bin {current.adjustment_bin} of location {location.code} holds a balance: calculate the "
            "warehouse adjustment before choosing another adjustment bin."
        )

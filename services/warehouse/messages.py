"""Translation between contract models (the wire) and the warehouse domain: the only module knowing both."""

from contracts import warehouse as wh
from warehouse.domain.errors import InvalidBinTypeError, WarehouseError
from warehouse.domain.events import LocationConfigured
from warehouse.domain.location import Bin, BinType, BlockMovement, Location

_BIN_TYPES = {"receive": BinType.RECEIVE, "ship": BinType.SHIP, "put_away": BinType.PUT_AWAY, "pick": BinType.PICK}
_TYPE_NAMES = {flag: name for name, flag in _BIN_TYPES.items()}


class InvalidValueError(WarehouseError):
    """A contract field holds a value outside its documented set: refused, not dead-lettered."""

    reason_code = "invalid_value"


def bin_type(names: tuple[str, ...]) -> BinType:
    flags = BinType(0)
    for name in names:
        if name not in _BIN_TYPES:
            raise InvalidBinTypeError(f"Bin type {name!r} is unknown: use {', '.join(_BIN_TYPES)}.")
        flags |= _BIN_TYPES[name]
    return flags


def bin_type_names(flags: BinType) -> tuple[str, ...]:
    return tuple(name for flag, name in _TYPE_NAMES.items() if flag in flags)


def block_movement(value: str) -> BlockMovement:
    try:
        return BlockMovement(value)
    except ValueError:
        raise InvalidValueError(f"block_movement {value!r} is unknown: use none, inbound, outbound or all.") from None


def domain_bin(b: wh.Bin) -> Bin:
    return Bin(b.code, b.zone, bin_type(b.types), b.ranking, block_movement(b.block_movement), b.dedicated)


def contract_bin(b: Bin) -> wh.Bin:
    return wh.Bin(code=b.code, zone=b.zone, types=bin_type_names(b.type), ranking=b.ranking,
                  block_movement=b.block_movement.value, dedicated=b.dedicated)


def location_configured(event: LocationConfigured, descriptions: dict[str, str]) -> wh.LocationConfigured:
    location: Location = event.location
    return wh.LocationConfigured(
        location_code=location.code,
        zones=tuple(wh.Zone(code=z, description=descriptions.get(z, "")) for z in sorted(location.zones)),
        bins=tuple(contract_bin(b) for b in location.bins.values()),
        receive_bin=location.receive_bin,
        ship_bin=location.ship_bin,
        adjustment_bin=location.adjustment_bin,
        pick_by_fefo=location.pick_by_fefo,
    )

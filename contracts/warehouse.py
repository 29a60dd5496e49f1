"""Messages of the warehouse-tracking service: `warehouse.commands.v1` and `warehouse.events.v1`."""

from pydantic import Field

from contracts.base import Message, Rejection, by_type

BIN_TYPES = ("receive", "ship", "put_away", "pick")
BLOCK_MOVEMENTS = ("none", "inbound", "outbound", "all")


class Zone(Message):
    code: str = Field(min_length=1, max_length=20)
    description: str = ""


class Bin(Message):
    code: str = Field(min_length=1, max_length=20)
    zone: str
    types: tuple[str, ...] = Field(default=(), description=f"subset of {', '.join(BIN_TYPES)}; empty = QC-like")
    ranking: int = 0
    block_movement: str = Field(default="none", description=f"one of: {', '.join(BLOCK_MOVEMENTS)}")
    dedicated: bool = False


# --- commands ---------------------------------------------------------------------------------
class ConfigureLocation(Message):
    """Create or replace the layout of a location: zones, bins and its default bins."""

    TYPE = "warehouse.location.configure.v1"
    KEY = ("location_code",)

    location_code: str = Field(min_length=1, max_length=20)
    zones: tuple[Zone, ...] = ()
    bins: tuple[Bin, ...] = ()
    receive_bin: str
    ship_bin: str
    adjustment_bin: str
    pick_by_fefo: bool = False


# --- events -----------------------------------------------------------------------------------
class LocationConfigured(Message):
    TYPE = "warehouse.location.configured.v1"
    KEY = ("location_code",)

    location_code: str
    zones: tuple[Zone, ...]
    bins: tuple[Bin, ...]
    receive_bin: str
    ship_bin: str
    adjustment_bin: str
    pick_by_fefo: bool


class CommandRejected(Rejection):
    TYPE = "warehouse.command.rejected.v1"
    KEY = ("command_id",)


COMMANDS = by_type(ConfigureLocation)
EVENTS = by_type(LocationConfigured, CommandRejected)

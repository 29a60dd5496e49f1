"""Messages of the inventory/reservation service: `inventory.commands.v1` and `inventory.events.v1`."""

from pydantic import Field

from contracts.base import Message, Rejection, by_type

TRACKING_POLICIES = ("none", "lot", "serial", "lot_and_serial")


# --- commands ---------------------------------------------------------------------------------
class RegisterItem(Message):
    """Create (or confirm) an item and how its stock is tracked."""

    TYPE = "inventory.item.register.v1"
    KEY = ("item_no",)

    item_no: str = Field(min_length=1, max_length=50)
    base_unit: str = Field(min_length=1, max_length=10)
    tracking_policy: str = Field(description="one of: none, lot, serial, lot_and_serial")
    expiration_required: bool = False
    strict_expiration: bool = False


# --- events -----------------------------------------------------------------------------------
class ItemRegistered(Message):
    TYPE = "inventory.item.registered.v1"
    KEY = ("item_no",)

    item_no: str
    base_unit: str
    tracking_policy: str
    expiration_required: bool
    strict_expiration: bool


class CommandRejected(Rejection):
    TYPE = "inventory.command.rejected.v1"
    KEY = ("command_id",)


COMMANDS = by_type(RegisterItem)
EVENTS = by_type(ItemRegistered, CommandRejected)

"""Translation between contract models (the wire) and the inventory domain: the only module knowing both."""

from contracts import inventory as inv
from inventory.domain import events


def item_registered(event: events.ItemRegistered) -> inv.ItemRegistered:
    return inv.ItemRegistered(
        item_no=event.item_no,
        base_unit=event.base_unit,
        tracking_policy=event.tracking_policy,
        expiration_required=event.expiration_required,
        strict_expiration=event.strict_expiration,
    )

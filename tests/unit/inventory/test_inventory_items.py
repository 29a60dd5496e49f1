"""Registering items: the tracking policy decides what every later line must carry (T1)."""

import pytest

from inventory.domain.errors import (
    InvalidItemDefinitionError,
    ItemAlreadyRegisteredError,
    UnknownTrackingPolicyError,
)
from inventory.domain.events import ItemRegistered
from inventory.domain.items import TrackingPolicy, register_item
from units_of_measure import ItemUnits


def test_registering_an_item_records_its_tracking_policy():
    registration = register_item("PAINT", "L", "lot", expiration_required=True, strict_expiration=True)

    assert registration.is_new
    assert registration.item.tracking_policy is TrackingPolicy.LOT
    assert registration.events == (ItemRegistered("PAINT", "L", "lot", True, True, units=ItemUnits("PAINT", "L")),)


def test_registering_the_same_definition_again_changes_nothing_and_is_confirmed():
    first = register_item("PAINT", "L", "lot", expiration_required=True)

    again = register_item("PAINT", "L", "lot", expiration_required=True, registered=first.item)

    assert not again.is_new and again.item == first.item
    assert again.events == first.events  # the sender gets an answer: the same ItemRegistered again


def test_a_different_definition_of_a_registered_item_is_refused():
    first = register_item("PAINT", "L", "lot")

    with pytest.raises(ItemAlreadyRegisteredError) as refused:
        register_item("PAINT", "L", "serial", registered=first.item)

    assert refused.value.reason_code == "item_already_registered"
    assert "tracking policy" in refused.value.message


def test_an_unknown_tracking_policy_is_refused():
    with pytest.raises(UnknownTrackingPolicyError) as refused:
        register_item("PAINT", "L", "batch")

    assert refused.value.reason_code == "unknown_tracking_policy"
    assert "lot_and_serial" in refused.value.message


def test_an_item_needs_a_number_and_a_base_unit():
    with pytest.raises(InvalidItemDefinitionError):
        register_item("PAINT", " ", "none")

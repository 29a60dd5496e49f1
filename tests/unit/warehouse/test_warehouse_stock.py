"""W1: bin content is a projection of append-only warehouse entries and never goes below zero."""

from datetime import date

import pytest

from tests.support.warehouse_builders import LOC, D, key, location, row
from warehouse.domain.documents import DocumentType
from warehouse.domain.errors import InsufficientBinContentError
from warehouse.domain.stock import BinContent, EntryBook, WarehouseEntry, locate


def entry(k, quantity):
    return WarehouseEntry(DocumentType.MOVEMENT, "MV1", 1, k, D(quantity))


def test_W1_bin_content_follows_the_entries():
    content = BinContent()
    content.apply(entry(key("A1", "BOLT"), 5))
    content.apply(entry(key("A1", "BOLT"), -3))

    assert content.quantity(key("A1", "BOLT")) == D(2)


def test_W1_real_bin_never_goes_below_zero():
    content = BinContent([row("A1", "BOLT", 2)])

    with pytest.raises(InsufficientBinContentError) as refused:
        content.apply(entry(key("A1", "BOLT"), -3))

    assert refused.value.reason_code == "insufficient_bin_content"
    assert "holds 2 of item BOLT" in refused.value.message
    assert content.quantity(key("A1", "BOLT")) == D(2)


def test_W1_only_the_adjustment_bin_may_go_negative():
    content = location().bin_content([])

    content.apply(entry(key("ADJ", "BOLT"), -4))

    assert content.quantity(key("ADJ", "BOLT")) == D(-4)


def test_W1_entry_book_refuses_before_recording_and_keeps_entries_in_order():
    book = EntryBook(BinContent([row("A1", "BOLT", 5)]), DocumentType.MOVEMENT, "MV1")
    book.move(key("A1", "BOLT"), key("A2", "BOLT"), D(5), 1)

    with pytest.raises(InsufficientBinContentError):
        book.write(key("A1", "BOLT"), D(-1), 2)

    assert [(e.key.bin_code, e.quantity) for e in book.entries] == [("A1", D(-5)), ("A2", D(5))]


def test_locate_takes_the_expiration_date_from_the_stock():
    stored = row("A1", "MILK", 3, lot="L1", expiration=date(2025, 7, 1))

    assert locate([stored], key("A1", "MILK", lot="L1")) == stored.key
    assert locate([stored], key("A2", "MILK", lot="L1")).location_code == LOC

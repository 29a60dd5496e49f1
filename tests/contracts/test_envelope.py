"""CloudEvents extension names: `correlationid`/`causationid` as the spec wants them, v1's names still read
and written."""

import json
import uuid

from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from contracts import inventory as inv
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_COMMANDS


def test_a_cloudevents_sdk_reader_sees_correlationid_and_causationid_as_attributes():
    command = Envelope.new("inventory.item.register.v1", "/slt", correlation_id="order-4711")
    fact = command.caused("inventory.item.registered.v1", "/inventory", subject="ITEM-1")

    event = from_binary_event(KafkaMessage(headers=dict(fact.to_headers()), key=b"ITEM-1", value=b'{"a": 1}'))

    assert event.get_extension("correlationid") == "order-4711"
    assert event.get_extension("causationid") == command.id
    assert event.get_id() == fact.id and event.get_type() == "inventory.item.registered.v1"
    assert event.get_data() == {"a": 1}


def test_every_header_the_envelope_writes_is_a_valid_cloudevents_attribute_or_a_v1_name():
    names = [name for name, _ in Envelope.new("t.v1", "/s", subject="x").to_headers()]
    attributes = [n.removeprefix("ce_") for n in names if n.startswith("ce_")]
    assert all(a.isascii() and a.isalnum() and a.islower() for a in attributes), attributes
    assert {"correlationid", "causationid"} <= set(attributes)
    assert sorted(set(names) - {f"ce_{a}" for a in attributes}) == ["causation_id", "content-type", "correlation_id"]


def test_v1_header_names_are_still_read():
    headers = {"ce_id": "c-1", "ce_type": "t.v1", "ce_source": "/old", "ce_specversion": "1.0",
               "correlation_id": "conv-1", "causation_id": "cause-1"}
    envelope = Envelope.from_headers(headers)
    assert (envelope.correlation_id, envelope.causation_id) == ("conv-1", "cause-1")


def test_the_cloudevents_names_win_over_the_v1_names_when_both_are_sent():
    headers = {"ce_id": "c-1", "ce_type": "t.v1", "ce_source": "/new", "ce_specversion": "1.0",
               "ce_correlationid": "conv-new", "correlation_id": "conv-old",
               "ce_causationid": "cause-new", "causation_id": "cause-old"}
    envelope = Envelope.from_headers(headers)
    assert (envelope.correlation_id, envelope.causation_id) == ("conv-new", "cause-new")


def sdk_style_headers(ce_type: str, ce_id: str, correlation_id: str) -> list[tuple[str, bytes]]:
    """What a CloudEvents SDK sender writes: attributes only, no v1 names."""
    headers = {"ce_id": ce_id, "ce_type": ce_type, "ce_source": "/sdk-client", "ce_specversion": "1.0",
               "ce_correlationid": correlation_id, "content-type": "application/json"}
    return [(k, v.encode()) for k, v in headers.items()]


async def test_a_sender_using_the_cloudevents_names_gets_facts_in_its_conversation(stack, kafka):
    item_no, ce_id, conversation = f"CE-{uuid.uuid4().hex[:8]}", str(uuid.uuid4()), f"conv-{uuid.uuid4().hex[:8]}"
    data = {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "lot"}
    await kafka.send(INVENTORY_COMMANDS, json.dumps(data).encode(),
                     sdk_style_headers(inv.RegisterItem.TYPE, ce_id, conversation), item_no.encode())

    [fact] = await kafka.wait_for(type=inv.ItemRegistered.TYPE, ce_causationid=ce_id)
    assert fact.headers["ce_correlationid"] == conversation
    assert fact.headers["correlation_id"] == conversation and fact.headers["causation_id"] == ce_id


async def test_a_v1_sender_using_the_old_names_gets_facts_under_both_names(stack, kafka):
    item_no, conversation = f"CE-{uuid.uuid4().hex[:8]}", f"conv-{uuid.uuid4().hex[:8]}"
    data = {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "none"}
    command_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, data, key=item_no,
                                          correlation_id=conversation)

    [fact] = await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)
    assert fact.headers["ce_causationid"] == command_id
    assert fact.headers["ce_correlationid"] == fact.headers["correlation_id"] == conversation

"""Foundation: both services on real Kafka and PostgreSQL, driven by a plain aiokafka client."""

import asyncio
import json
import uuid

import httpx

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import (
    INVENTORY_COMMANDS,
    INVENTORY_EVENTS,
    WAREHOUSE_COMMANDS,
    WAREHOUSE_EVENTS,
    dead_letter_topic,
)
from tests.support.ids import unique
from tests.support.inventory import register_item
from tests.support.layouts import location, poll_json

REGISTER = inv.RegisterItem.TYPE


async def test_register_item_from_plain_client_is_registered_once_and_replicated(stack, kafka):
    item_no = unique("ITEM")
    # An outside producer publishes the command with hand-written CloudEvents headers.
    command_id = await kafka.send_command(INVENTORY_COMMANDS, REGISTER, register_item(item_no), key=item_no)

    # Exactly one ItemRegistered, caused by the command, with complete ce_* headers.
    [event] = await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)
    assert event.topic == INVENTORY_EVENTS
    assert event.key == item_no.encode()
    assert event.headers["ce_specversion"] == "1.0"
    assert event.headers["ce_source"] == "/inventory"
    assert event.headers["correlation_id"] == command_id
    assert event.headers["ce_id"] and event.headers["ce_id"] != command_id
    assert event.headers["ce_time"]
    assert event.json() == {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "lot",
                            "expiration_required": True, "strict_expiration": False, "warranty_formula": "",
                            "rounding_precision": "0.000001", "units": []}  # U1: no units besides PCS

    # The warehouse keeps a replica of the tracking policy from that fact.
    replica = await poll_json(f"{stack.warehouse.url}/items/{item_no}/tracking")
    assert replica["tracking_policy"] == "lot"
    assert replica["expiration_required"] is True


async def test_same_command_delivered_twice_yields_one_item_and_one_event(stack, kafka):
    item_no = unique("ITEM")
    command_id = str(uuid.uuid4())
    for _ in range(2):
        await kafka.send_command(INVENTORY_COMMANDS, REGISTER, register_item(item_no), key=item_no, ce_id=command_id)
    # A later command on the same key proves both deliveries were consumed.
    marker = await kafka.send_command(INVENTORY_COMMANDS, REGISTER, register_item(item_no, "serial"), key=item_no)
    await kafka.wait_for(type=inv.CommandRejected.TYPE, causation_id=marker)

    events = kafka.matching(type=inv.ItemRegistered.TYPE, correlation_id=command_id)
    assert len({e.headers["ce_id"] for e in events}) == 1
    items = await poll_json(f"{stack.inventory.url}/items?after={item_no[:-1]}&limit=1000")
    assert [i["item_no"] for i in items].count(item_no) == 1


async def test_malformed_message_lands_on_dlq_and_next_message_is_processed(stack, kafka):
    item_no = unique("ITEM")
    bad_headers = [("ce_id", str(uuid.uuid4()).encode()), ("ce_type", inv.RegisterItem.TYPE.encode()),
                   ("ce_source", b"/tests"), ("ce_specversion", b"1.0")]
    await kafka.send(INVENTORY_COMMANDS, b"{not json", bad_headers, key=item_no.encode())
    good = await kafka.send_command(INVENTORY_COMMANDS, REGISTER, register_item(item_no), key=item_no)

    bad_id = dict(bad_headers)["ce_id"].decode()
    [letter] = await kafka.wait_for(topic=dead_letter_topic(INVENTORY_COMMANDS), ce_id=bad_id)
    assert letter.value == b"{not json"
    assert "does not match its schema" in letter.headers["dlq_reason"]
    assert letter.headers["dlq_original_topic"] == INVENTORY_COMMANDS
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=good)


async def test_message_without_cloudevents_headers_is_dead_lettered(stack, kafka):
    key = unique("NOHEADERS").encode()
    await kafka.send(WAREHOUSE_COMMANDS, json.dumps({"x": 1}).encode(), [("source", b"somewhere")], key=key)
    [letter] = await kafka.wait_until(lambda m: m.topic == dead_letter_topic(WAREHOUSE_COMMANDS) and m.key == key)
    assert "missing CloudEvents header" in letter.headers["dlq_reason"]
    assert letter.headers["source"] == "somewhere"
    assert letter.headers["dlq_original_topic"] == WAREHOUSE_COMMANDS


async def test_unknown_tracking_policy_is_rejected_with_correlation_id(stack, kafka):
    item_no = unique("ITEM")
    correlation_id = str(uuid.uuid4())
    command_id = await kafka.send_command(INVENTORY_COMMANDS, REGISTER,
                                          register_item(item_no, "batch"), key=item_no, correlation_id=correlation_id)
    [rejected] = await kafka.wait_for(type=inv.CommandRejected.TYPE, causation_id=command_id)
    body = rejected.json()
    assert body["command_id"] == command_id
    assert body["correlation_id"] == correlation_id
    assert body["reason_code"] == "unknown_tracking_policy"
    assert "batch" in body["message"]


async def test_configure_location_is_published_and_replicated_in_inventory(stack, kafka):
    code = unique("WH")
    command_id = await kafka.send_command(WAREHOUSE_COMMANDS, wh.ConfigureLocation.TYPE, location(code), key=code)
    [event] = await kafka.wait_for(type=wh.LocationConfigured.TYPE, causation_id=command_id)
    assert event.topic == WAREHOUSE_EVENTS
    body = event.json()
    assert body["location_code"] == code and body["receive_bin"] == "R-01" and body["pick_by_fefo"] is True
    assert {b["code"] for b in body["bins"]} == {"R-01", "P-01", "S-01", "ADJ"}

    shown = await poll_json(f"{stack.warehouse.url}/locations/{code}")
    assert {b["bin_code"]: b["types"] for b in shown["bins"]}["P-01"] == ["put_away", "pick"]
    for _ in range(100):
        locations = await poll_json(f"{stack.inventory.url}/locations")
        if code in {known["location_code"] for known in locations}:
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError(f"inventory never replicated location {code}")


async def test_duplicate_bin_and_receive_pick_bin_are_rejected(stack, kafka):
    code = unique("WH")
    duplicate = location(code)
    duplicate["bins"] = duplicate["bins"] + [{"code": "P-01", "zone": "PICK", "types": ["pick"]}]
    first = await kafka.send_command(WAREHOUSE_COMMANDS, wh.ConfigureLocation.TYPE, duplicate, key=code)
    receive_pick = location(code)
    receive_pick["bins"][0] = {"code": "R-01", "zone": "RECV", "types": ["receive", "pick"]}
    second = await kafka.send_command(WAREHOUSE_COMMANDS, wh.ConfigureLocation.TYPE, receive_pick, key=code)

    [dup] = await kafka.wait_for(type=wh.CommandRejected.TYPE, causation_id=first)
    [bad_type] = await kafka.wait_for(type=wh.CommandRejected.TYPE, causation_id=second)
    assert dup.json()["reason_code"] == "duplicate_bin" and "P-01" in dup.json()["message"]
    assert bad_type.json()["reason_code"] == "invalid_bin_type" and "R-01" in bad_type.json()["message"]
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{stack.warehouse.url}/locations/{code}")).status_code == 404


async def test_invalid_utf8_in_headers_and_body_is_dead_lettered_and_consumer_moves_on(stack, kafka):
    item_no = unique("ITEM")
    key = unique("BADBYTES").encode()
    await kafka.send(INVENTORY_COMMANDS, b"\xff\xfe{", [("ce_id", b"\xff\xfe"), ("ce_type", b"x")], key=key)
    good = await kafka.send_command(INVENTORY_COMMANDS, REGISTER, register_item(item_no), key=item_no)
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=good)
    [letter] = await kafka.wait_until(lambda m: m.topic == dead_letter_topic(INVENTORY_COMMANDS) and m.key == key)
    assert letter.value == b"\xff\xfe{"
    assert "invalid CloudEvents headers" in letter.headers["dlq_reason"]

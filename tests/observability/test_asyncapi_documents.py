"""Each running service describes its topics and message payloads in a valid AsyncAPI 3 document."""

import json

import httpx
import pytest

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.examples import example
from contracts.topics import (
    INVENTORY_COMMANDS,
    INVENTORY_EVENTS,
    INVENTORY_REPLICATION,
    WAREHOUSE_COMMANDS,
    WAREHOUSE_EVENTS,
    dead_letter_topic,
)

READS_AND_WRITES = {
    "warehouse": ({WAREHOUSE_COMMANDS, INVENTORY_REPLICATION}, {WAREHOUSE_EVENTS}),
    "inventory": ({INVENTORY_COMMANDS, WAREHOUSE_EVENTS}, {INVENTORY_EVENTS, INVENTORY_REPLICATION}),
}


def fetch_document(stack, service: str) -> dict:
    response = httpx.get(f"{getattr(stack, service).url}/asyncapi.json", timeout=10)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("service", ["warehouse", "inventory"])
def test_asyncapi_document_passes_the_official_parser(stack, validate_asyncapi, tmp_path, service):
    path = tmp_path / f"{service}.json"
    path.write_text(json.dumps(fetch_document(stack, service)))
    result = validate_asyncapi(path)
    assert result.returncode == 0, f"the AsyncAPI parser refused the {service} document:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("service", ["warehouse", "inventory"])
def test_asyncapi_document_lists_every_topic_the_service_reads_and_writes(stack, service):
    document = fetch_document(stack, service)
    reads, writes = READS_AND_WRITES[service]
    actions = {(channel_of(document, op)["address"], op["action"]) for op in document["operations"].values()}
    assert document["asyncapi"] == "3.0.0"
    assert {(topic, "receive") for topic in reads} <= actions
    assert {(topic, "send") for topic in writes | {dead_letter_topic(t) for t in reads}} <= actions


def test_asyncapi_command_channel_has_one_message_per_ce_type_with_payload_headers_and_key(stack):
    document = fetch_document(stack, "inventory")
    commands = channel_at(document, INVENTORY_COMMANDS)
    assert sorted(commands["messages"]) == sorted(inv.COMMANDS)
    message = document["components"]["messages"][last(commands["messages"][inv.RegisterItem.TYPE])]
    assert message["name"] == inv.RegisterItem.TYPE
    assert message["payload"] == {"$ref": "#/components/schemas/RegisterItem"}
    required = set(document["components"]["schemas"]["RegisterItem"]["required"])
    assert {"item_no", "base_unit", "tracking_policy"} <= required
    headers = message["headers"]
    assert headers["properties"]["ce_type"]["const"] == inv.RegisterItem.TYPE
    assert set(headers["required"]) == {"ce_id", "ce_type", "ce_source", "ce_specversion"}
    assert {"ce_correlationid", "ce_causationid", "ce_time", "ce_subject"} <= set(headers["properties"])
    assert message["bindings"]["kafka"]["key"] == {"type": "string", "description": "the payload's item_no",
                                                   "examples": ["BIKE-100"]}
    assert message["examples"][0]["payload"] == example(inv.RegisterItem)
    assert message["correlationId"] == {"location": "$message.header#/ce_correlationid"}


@pytest.mark.parametrize(("service", "topic", "models"), [
    ("inventory", INVENTORY_EVENTS, inv.EVENTS), ("warehouse", WAREHOUSE_EVENTS, wh.EVENTS),
    ("inventory", INVENTORY_REPLICATION, inv.REPLICATION),
    ("warehouse", WAREHOUSE_COMMANDS, wh.COMMANDS),
])
def test_asyncapi_every_channel_of_the_contracts_names_each_of_its_types(stack, service, topic, models):
    document = fetch_document(stack, service)
    channel = channel_at(document, topic)
    assert sorted(channel["messages"]) == sorted(models)
    for ce_type, reference in channel["messages"].items():
        message = document["components"]["messages"][last(reference)]
        assert message["headers"]["properties"]["ce_type"]["const"] == ce_type
        assert last(message["payload"]) == models[ce_type].__name__
        assert message["bindings"]["kafka"]["key"]["examples"] == [example_key(models[ce_type])]
    # The operations on the channel list the same messages.
    [operation] = [op for op in document["operations"].values() if channel_of(document, op) is channel]
    assert sorted(ref["$ref"].rsplit("/", 1)[-1] for ref in operation["messages"]) == sorted(models)


def test_asyncapi_stock_facts_are_keyed_item_and_location(stack):
    document = fetch_document(stack, "warehouse")
    channel = channel_at(document, WAREHOUSE_EVENTS)
    message = document["components"]["messages"][last(channel["messages"][wh.ReceiptPosted.TYPE])]
    assert message["bindings"]["kafka"]["key"]["description"] == "the payload's item_no|location_code joined by `|`"


def example_key(model) -> str:
    return model.model_validate(example(model)).kafka_key()


def channel_of(document: dict, operation: dict) -> dict:
    return document["channels"][last(operation["channel"])]


def channel_at(document: dict, address: str) -> dict:
    [channel] = [c for c in document["channels"].values() if c["address"] == address]
    return channel


def last(reference: dict) -> str:
    return reference["$ref"].rsplit("/", 1)[-1]

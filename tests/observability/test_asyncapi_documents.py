"""Each running service describes its topics and message payloads in a valid AsyncAPI 3 document."""

import json

import httpx
import pytest

from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, WAREHOUSE_COMMANDS, WAREHOUSE_EVENTS, dead_letter_topic

READS_AND_WRITES = {
    "warehouse": ({WAREHOUSE_COMMANDS, INVENTORY_EVENTS}, {WAREHOUSE_EVENTS}),
    "inventory": ({INVENTORY_COMMANDS, WAREHOUSE_EVENTS}, {INVENTORY_EVENTS}),
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


def test_asyncapi_channels_describe_payloads_with_the_contract_models(stack):
    document = fetch_document(stack, "inventory")
    schemas = document["components"]["schemas"]
    commands = channel_at(document, INVENTORY_COMMANDS)
    # The command channel's payload is the contract model, and its description maps ce_type to it.
    assert "RegisterItem" in models_of(document, commands)
    assert "`inventory.item.register.v1`: RegisterItem, key item_no" in commands["description"]
    assert {"item_no", "base_unit", "tracking_policy"} <= set(schemas["RegisterItem"]["required"])
    # The facts channel offers every inventory fact, refusals included.
    assert {"ItemRegistered", "ReservationCreated", "CommandRejected"} <= models_of(document, channel_at(document, INVENTORY_EVENTS))
    assert schemas["CommandRejected"]["properties"]["reason_code"]["type"] == "string"


def channel_of(document: dict, operation: dict) -> dict:
    return document["channels"][last(operation["channel"])]


def channel_at(document: dict, address: str) -> dict:
    [channel] = [c for c in document["channels"].values() if c["address"] == address]
    return channel


def models_of(document: dict, channel: dict) -> set[str]:
    """The component schemas a channel's message payload is (one model) or is one of (several)."""
    [message] = channel["messages"].values()
    payload = document["components"]["messages"][last(message)]["payload"]
    schema = document["components"]["schemas"][last(payload)]
    return {last(ref) for ref in schema["anyOf"]} if "anyOf" in schema else {last(payload)}


def last(reference: dict) -> str:
    return reference["$ref"].rsplit("/", 1)[-1]

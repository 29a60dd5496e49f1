"""Strict at the edge, tolerant inside: commands refuse unknown fields, facts ignore them; every schema
carries enums for values from a set, an example and its Kafka key."""

import json
import typing

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.catalog import ANSWERS_ON, MESSAGES, TOPIC_OF
from contracts.examples import example
from contracts.schema_tools import SCHEMA_DIR, generate, incompatibilities, load

COMMANDS = sorted(t for t in MESSAGES if TOPIC_OF[t] in ANSWERS_ON)
FACTS = sorted(t for t in MESSAGES if TOPIC_OF[t] not in ANSWERS_ON)


def parts(model: type[BaseModel]) -> set[type[BaseModel]]:
    """The model and every model nested in it."""
    found = {model}
    for field in model.model_fields.values():
        for inner in [field.annotation, *typing.get_args(field.annotation)]:
            for candidate in [inner, *typing.get_args(inner)]:
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    found |= parts(candidate)
    return found


@pytest.mark.parametrize("ce_type", COMMANDS)
def test_a_command_and_each_of_its_parts_refuse_unknown_fields(ce_type):
    assert {p.__name__: p.model_config["extra"] for p in parts(MESSAGES[ce_type])} == \
        {p.__name__: "forbid" for p in parts(MESSAGES[ce_type])}


@pytest.mark.parametrize("ce_type", FACTS)
def test_a_fact_and_each_of_its_parts_ignore_unknown_fields(ce_type):
    assert {p.__name__: p.model_config["extra"] for p in parts(MESSAGES[ce_type])} == \
        {p.__name__: "ignore" for p in parts(MESSAGES[ce_type])}


def test_a_misspelt_command_field_is_an_error_naming_it():
    data = {"item_no": "X", "base_unit": "PCS", "tracking_policy": "lot", "expiration_requried": True}
    with pytest.raises(ValidationError) as refused:
        inv.RegisterItem.model_validate(data)
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [(("expiration_requried",), "extra_forbidden")]


def test_a_misspelt_field_in_a_command_line_is_an_error_naming_its_place():
    data = {**example(wh.RegisterPutAway), "lines": [{"line_no": 1, "quantity": "1", "plcae_bin": "P-01"}]}
    with pytest.raises(ValidationError) as refused:
        wh.RegisterPutAway.model_validate(data)
    assert refused.value.errors()[0]["loc"] == ("lines", 0, "plcae_bin")
    assert refused.value.errors()[0]["type"] == "extra_forbidden"


def test_a_fact_with_a_field_a_newer_producer_added_is_read_and_the_field_ignored():
    data = {**example(wh.LocationConfigured), "new_top": 1}
    data["bins"] = [{**data["bins"][0], "new_in_bin": "x"}]
    expected = wh.LocationConfigured.model_validate(example(wh.LocationConfigured))
    assert wh.LocationConfigured.model_validate(data) == expected


def objects(schema: dict) -> list[dict]:
    return [schema] + [d for d in schema.get("$defs", {}).values() if d.get("type") == "object"]


@pytest.mark.parametrize("ce_type", COMMANDS)
def test_a_command_schema_forbids_additional_properties_everywhere(ce_type):
    assert [o.get("additionalProperties") for o in objects(generate()[ce_type])] == \
        [False] * len(objects(generate()[ce_type]))


@pytest.mark.parametrize("ce_type", FACTS)
def test_a_fact_schema_allows_additional_properties(ce_type):
    assert all("additionalProperties" not in o for o in objects(generate()[ce_type]))


@pytest.mark.parametrize("ce_type", sorted(MESSAGES))
def test_every_schema_has_an_example_valid_by_the_schema_and_the_model_and_its_kafka_key(ce_type):
    schema = load(SCHEMA_DIR)[ce_type]
    [instance] = schema["examples"]
    Draft202012Validator(schema).validate(instance)
    model = MESSAGES[ce_type].model_validate(instance)
    assert json.loads(model.model_dump_json()) == instance  # the example is the message as it travels
    key = schema["x-kafka-key"]
    assert key["fields"] == list(MESSAGES[ce_type].KEY) and key["fields"]
    assert set(key["fields"]) <= set(schema["properties"])
    assert key["example"] == "|".join(str(instance[f]) for f in key["fields"]) == model.kafka_key()


def test_stock_facts_say_their_key_is_item_and_location():
    assert load(SCHEMA_DIR)["warehouse.receipt.posted.v1"]["x-kafka-key"] == \
        {"fields": ["item_no", "location_code"], "format": "item_no|location_code", "example": "BIKE-100|WH1"}


@pytest.mark.parametrize(("ce_type", "pointer", "values"), [
    ("inventory.item.register.v1", ("properties", "tracking_policy"), list(inv.TRACKING_POLICIES)),
    ("inventory.item.registered.v1", ("properties", "tracking_policy"), list(inv.TRACKING_POLICIES)),
    ("warehouse.location.configure.v1", ("$defs", "LayoutBin", "properties", "types", "items"), list(wh.BIN_TYPES)),
    ("warehouse.location.configured.v1", ("$defs", "Bin", "properties", "block_movement"), list(wh.BLOCK_MOVEMENTS)),
    ("inventory.ledger.entries_posted.v1", ("$defs", "LedgerEntry", "properties", "entry_type"), list(inv.ENTRY_TYPES)),
])
def test_values_from_a_set_are_enums_in_the_schema(ce_type, pointer, values):
    node = load(SCHEMA_DIR)[ce_type]
    for step in pointer:
        node = node[step]
    assert node["enum"] == values and node["type"] == "string"


def test_a_value_outside_the_set_is_still_read_so_the_service_can_refuse_it_with_a_sentence():
    command = inv.RegisterItem.model_validate({"item_no": "X", "base_unit": "PCS", "tracking_policy": "batch"})
    assert command.tracking_policy == "batch"


def test_removing_a_value_from_a_set_is_incompatible_and_adding_one_is_not():
    old = load(SCHEMA_DIR)
    narrowed = json.loads(json.dumps(old))
    narrowed["inventory.item.register.v1"]["properties"]["tracking_policy"]["enum"].remove("lot")
    widened = json.loads(json.dumps(old))
    widened["inventory.item.register.v1"]["properties"]["tracking_policy"]["enum"].append("batch")
    assert incompatibilities(old, narrowed) == [
        "inventory.item.register.v1.tracking_policy: value(s) ['lot'] no longer allowed"]
    assert incompatibilities(old, widened) == []

"""Fuzzing: malformed and hostile commands each end as a fact, a rejection or a dead letter, and the
services keep running (issue 6, point 3). The file runs alone as well as in the suite: the fuzzing
waits until both services answer a command, and readiness is checked after every example (not by
a second test that means something only if this one ran first). Issue 11 adds hostile records: a header
key that is not UTF-8, a NUL in a header key, a header sent twice, and a ce_id reused with another payload
(which must be answered, by `duplicate_message_id`)."""

import json
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.catalog import ANSWERS_ON, TOPIC_MESSAGES
from contracts.topics import INVENTORY_COMMANDS, WAREHOUSE_COMMANDS, dead_letter_topic
from tests.support.kafka import RawKey, Received, command_headers, raw_header_keys

COMMAND_TOPICS = (WAREHOUSE_COMMANDS, INVENTORY_COMMANDS)
COMMAND_TYPES = [(topic, ce_type) for topic in COMMAND_TOPICS for ce_type in TOPIC_MESSAGES[topic]]


def example(schema: dict, defs: dict) -> Any:
    """A small valid value for a JSON schema node, so mutations start from something plausible."""
    if "$ref" in schema:
        return example(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    if "anyOf" in schema:
        return example(schema["anyOf"][0], defs)
    kind = schema.get("type")
    if kind == "object":
        return {name: example(prop, defs) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items", {}), defs)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return date(2030, 1, 1).isoformat()
    if "pattern" in schema:  # decimals
        return "1"
    return f"FZ-{uuid.uuid4().hex[:6]}"


def valid_body(topic: str, ce_type: str) -> dict:
    schema = TOPIC_MESSAGES[topic][ce_type].model_json_schema()
    return example(schema, schema.get("$defs", {}))


HOSTILE_VALUES = st.sampled_from([
    None, -1, 0, Decimal("0.5"), "1e400", 10**30, -(10**30), "NaN", "", "x" * 10_000, [], {}, True,
    "\u0000", "\ud7ff\U0010ffff", "-0.000001",
])


@st.composite
def hostile_message(draw) -> tuple[str, str, bytes, list[tuple[str, bytes]]]:
    topic, ce_type = draw(st.sampled_from(COMMAND_TYPES))
    body: Any = valid_body(topic, ce_type)
    mutation = draw(st.sampled_from(["set", "drop", "unknown_field", "not_json", "invalid_utf8", "wrong_root",
                                     "key_not_utf8", "nul_in_key", "header_twice", "reused_id"]))
    field = draw(st.sampled_from(sorted(body)))
    if mutation == "set":
        body[field] = draw(HOSTILE_VALUES)
    elif mutation == "drop":
        body.pop(field)
    elif mutation == "unknown_field":
        body["unexpected_" + field] = draw(HOSTILE_VALUES)
    elif mutation == "wrong_root":
        body = [body]
    ce_id = str(uuid.uuid4())
    value = {"not_json": b'{"truncated": ', "invalid_utf8": b'{"item_no": "\xff\xfe"}'}.get(
        mutation, json.dumps(body, default=str).encode())
    headers = command_headers(ce_type, ce_id=ce_id) + {
        "key_not_utf8": [(RawKey(b"\xff\xfe"), b"x")], "nul_in_key": [(RawKey(b"k\x00"), b"x")],
        "header_twice": [("ce_type", ce_type.encode())]}.get(mutation, [])
    return topic, ce_id, value, headers, mutation == "reused_id"


def answered(topic: str, ce_id: str) -> Callable[[Received], bool]:
    """Something answers for the message: a fact or refusal caused by it, or its dead letter."""
    def answers(m: Received) -> bool:
        caused = m.headers.get("causation_id") == ce_id and m.topic == ANSWERS_ON[topic]
        return caused or (m.topic == dead_letter_topic(topic) and m.headers.get("ce_id") == ce_id)
    return answers


@pytest_asyncio.fixture(scope="module")
async def consuming(stack, kafka):
    """Both services consume their command topics: a well-formed command to each was answered. Only
    then does the fuzzing start, whether other tests ran before it in the session or none did."""
    for topic in COMMAND_TOPICS:
        ce_type = next(iter(TOPIC_MESSAGES[topic]))
        ce_id = str(uuid.uuid4())
        body = json.dumps(valid_body(topic, ce_type)).encode()
        await kafka.send(topic, body, command_headers(ce_type, ce_id=ce_id), key=ce_id.encode())
        await kafka.wait_until(answered(topic, ce_id), timeout=60)
    return stack


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(message=hostile_message())
async def test_each_hostile_command_ends_as_fact_rejection_or_dead_letter_and_the_services_stay_ready(
    consuming, kafka, message
):
    topic, ce_id, value, headers, reused = message
    with raw_header_keys():
        await kafka.send(topic, value, headers, key=ce_id.encode())
    if reused:  # the same id again, another payload: answered too, never dropped as a duplicate
        await kafka.send(topic, value + b" ", headers, key=ce_id.encode())
    await kafka.wait_until(answered(topic, ce_id), timeout=30, count=2 if reused else 1)
    async with httpx.AsyncClient() as client:
        for service in (consuming.warehouse, consuming.inventory):
            assert (await client.get(f"{service.url}/readyz")).json()["ready"] is True

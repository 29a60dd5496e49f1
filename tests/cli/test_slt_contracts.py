"""Strict at the edge: `slt types`, `slt example`, unknown fields refused by `slt publish` and dead-lettered
by the services, and `publish --wait` showing every fact a command caused."""

import json
import re
import uuid

import pytest
import yaml
from typer.testing import CliRunner

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.catalog import MESSAGES
from contracts.topics import INVENTORY_COMMANDS, WAREHOUSE_EVENTS, dead_letter_topic
from slt_cli.main import app
from tests.cli.operator import slt
from tests.support.warehouse import LATER, Warehouse, unique

runner = CliRunner()


def test_types_lists_every_message_type_with_its_kind_topic_and_key():
    result = runner.invoke(app, ["types"])
    assert result.exit_code == 0
    listed = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()}
    assert sorted(listed) == sorted(MESSAGES)
    assert listed["inventory.item.register.v1"] == ["command", "inventory.commands.v1", "key=item_no"]
    assert listed["warehouse.receipt.posted.v1"] == ["fact", "warehouse.events.v1", "key=item_no|location_code"]


def test_types_of_a_topic_or_kind_lists_only_those_and_an_unknown_filter_exits_2():
    commands = runner.invoke(app, ["types", "command"]).output.splitlines()
    on_topic = runner.invoke(app, ["types", WAREHOUSE_EVENTS]).output.splitlines()
    assert commands and all(" command " in line for line in commands)
    assert on_topic and all(f" {WAREHOUSE_EVENTS} " in line for line in on_topic)
    wrong = runner.invoke(app, ["types", "facts"])
    assert wrong.exit_code == 2 and "give command, fact or one of" in wrong.output


def test_example_prints_valid_data_of_the_type_as_json_or_yaml():
    as_json = runner.invoke(app, ["example", wh.PostReceipt.TYPE])
    as_yaml = runner.invoke(app, ["example", wh.PostReceipt.TYPE, "--yaml"])
    assert as_json.exit_code == as_yaml.exit_code == 0
    assert json.loads(as_json.output) == yaml.safe_load(as_yaml.output)
    assert wh.PostReceipt.model_validate(json.loads(as_json.output)).receipt_no == "RCPT-1001"


def test_example_of_an_unknown_type_exits_2_pointing_at_types():
    result = runner.invoke(app, ["example", "inventory.item.rename.v1"])
    assert result.exit_code == 2 and "`slt types` lists them" in result.output


def test_publish_of_a_misspelt_field_exits_2_naming_it_before_connecting():
    data = '{"item_no": "BOLT", "base_unit": "PCS", "tracking_policy": "lot", "expiration_requried": true}'
    result = runner.invoke(app, ["publish", inv.RegisterItem.TYPE, "--data", data, "--bootstrap", "127.0.0.1:9"])
    assert result.exit_code == 2
    assert "expiration_requried: Extra inputs are not permitted" in result.output


async def test_a_command_with_an_unknown_field_is_dead_lettered_naming_the_field(stack, kafka):
    item_no = unique("STRICT")
    data = {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "lot", "expiration_requried": True}
    command_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, data, key=item_no)

    [letter] = await kafka.wait_for(topic=dead_letter_topic(INVENTORY_COMMANDS), ce_id=command_id)
    assert "expiration_requried: Extra inputs are not permitted" in letter.headers["dlq_reason"]
    # The same item registered correctly afterwards: nothing of the misspelt command was applied before it.
    fixed = {key: value for key, value in data.items() if key != "expiration_requried"}
    fixed_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE, fixed, key=item_no)
    [registered] = await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=fixed_id)
    assert registered.json()["expiration_required"] is False
    assert kafka.matching(type=inv.ItemRegistered.TYPE, causation_id=command_id) == []


async def test_a_fact_with_an_unknown_field_is_read_and_applied(stack, kafka):
    warehouse = Warehouse(stack.warehouse.url, kafka)
    item_no = unique("TOLERANT")
    fact = {**inv.ItemRegistered(item_no=item_no, base_unit="PCS", tracking_policy="serial",
                                 expiration_required=False, strict_expiration=False).model_dump(mode="json"),
            "added_by_a_newer_producer": "x"}
    # On the topic the warehouse replicates the inventory's facts from (issue 10: inventory.replication.v1).
    await kafka.send_command("inventory.replication.v1", inv.ItemRegistered.TYPE, fact, key=item_no,
                             source="/inventory")
    replica = await warehouse.eventually(f"/items/{item_no}/tracking", lambda answer: isinstance(answer, dict))
    assert replica["tracking_policy"] == "serial"


@pytest.fixture
async def receipt_of_two_items(stack, kafka) -> dict:
    """A released receipt of two lot-tracked items, ready to post."""
    warehouse = Warehouse(stack.warehouse.url, kafka)
    location, items = await warehouse.configure(unique("WH")), [unique("TWO"), unique("TWO")]
    for item_no in items:
        await warehouse.register_item(item_no, "lot")
    receipt_no = unique("RC")
    await warehouse.run(wh.ReleaseInboundRequest, {
        "receipt_no": receipt_no, "location_code": location, "source_no": unique("PO"),
        "lines": [{"line_no": n, "source_line_no": n, "item_no": item_no, "quantity": "3"}
                  for n, item_no in enumerate(items, start=1)]}, wh.ReceiptReleased)
    return {"receipt_no": receipt_no, "lines": [
        {"line_no": n, "lot": f"L{n}{suffix}", "expiration": LATER.isoformat(),
         "quantity": "1" if suffix == "a" else "2"}
        for n in (1, 2) for suffix in ("a", "b")]}


def shown_ids(output: str) -> list[str]:
    return re.findall(r"^  id=(\S+) ", output, re.MULTILINE)


async def test_publish_wait_shows_every_fact_the_command_caused_until_a_quiet_period(
        stack, kafka, receipt_of_two_items):
    run = await slt(stack, "publish", wh.PostReceipt.TYPE, "--data", json.dumps(receipt_of_two_items),
                    "--wait", "--quiet", "3")

    assert run.exit_code == 0, run
    command_id = re.search(r"^command id: (\S+)$", run.out, re.MULTILINE).group(1)
    caused = await kafka.wait_for(causation_id=command_id, topic=WAREHOUSE_EVENTS, count=2)
    assert len(caused) >= 2 and {fact.type for fact in caused} >= {wh.ReceiptPosted.TYPE}
    assert sorted(shown_ids(run.out)) == sorted(fact.headers["ce_id"] for fact in caused)
    assert f"{len(caused)} fact(s), then 3s without another" in run.out


async def test_publish_all_also_shows_what_other_services_published_in_the_conversation(
        stack, kafka, receipt_of_two_items):
    conversation = f"conv-{uuid.uuid4().hex[:8]}"
    run = await slt(stack, "publish", wh.PostReceipt.TYPE, "--data", json.dumps(receipt_of_two_items),
                    "--all", "--quiet", "5", "--correlation-id", conversation)

    assert run.exit_code == 0, run
    ledger = await kafka.wait_for(type=inv.LedgerEntriesPosted.TYPE, correlation_id=conversation, count=2)
    posted = kafka.matching(type=wh.ReceiptPosted.TYPE, correlation_id=conversation)
    assert len(posted) == 2
    assert set(shown_ids(run.out)) >= {fact.headers["ce_id"] for fact in ledger + posted}

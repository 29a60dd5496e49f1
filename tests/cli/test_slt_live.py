"""`slt` against the running system: publish (and wait), watch, and the dead-letter commands."""

import asyncio
import os
import re
import sys
from dataclasses import dataclass

from contracts import inventory as inv
from contracts.envelope import Envelope
from contracts.topics import INVENTORY_COMMANDS, INVENTORY_EVENTS, dead_letter_topic
from tests.support.ids import unique


@dataclass
class Run:
    exit_code: int
    out: str
    err: str


async def slt(stack, *args: str, bootstrap_env: str | None = None) -> Run:
    """The CLI as an operator runs it: a process, with the brokers in KAFKA_BOOTSTRAP_SERVERS."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "slt_cli", *args,
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap_env or stack.infra.bootstrap},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return Run(process.returncode, out.decode(), err.decode())


def printed(run: Run, label: str) -> str:
    return re.search(rf"^{label}: (\S+)$", run.out, re.MULTILINE).group(1)


async def test_publish_from_a_yaml_file_with_wait_prints_the_fact_it_caused(stack, kafka, tmp_path):
    item_no = unique("CLI")
    command = tmp_path / "register.yaml"
    command.write_text(f"item_no: {item_no}\nbase_unit: PCS\ntracking_policy: serial\n")

    run = await slt(stack, "publish", inv.RegisterItem.TYPE, "--file", str(command), "--wait", "--correlation-id", f"op-{item_no}")

    assert run.exit_code == 0, run.err
    command_id = printed(run, "command id")
    assert printed(run, "correlation id") == f"op-{item_no}"
    assert f"published {inv.RegisterItem.TYPE} to {INVENTORY_COMMANDS} key={item_no}" in run.out
    assert inv.ItemRegistered.TYPE in run.out and f'"item_no":"{item_no}"' in run.out.replace(" ", "")
    # The service understood the headers: the fact names the command as its cause and keeps the conversation.
    [fact] = await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)
    assert fact.headers["correlation_id"] == f"op-{item_no}"


async def test_publish_wait_shows_the_rejection_and_exits_1(stack):
    item_no = unique("CLI")
    data = f'{{"item_no": "{item_no}", "base_unit": "PCS", "tracking_policy": "batch"}}'

    run = await slt(stack, "publish", inv.RegisterItem.TYPE, "--data", data, "--wait", "--timeout", "60")

    assert run.exit_code == 1
    assert inv.CommandRejected.TYPE in run.out
    assert "unknown_tracking_policy" in run.out and "refused: unknown_tracking_policy" in run.err
    assert f"causation={printed(run, 'command id')}" in run.out


async def test_publish_sends_the_contract_key_and_cloudevents_headers(stack, kafka):
    item_no = unique("CLI")
    published = await slt(stack, "publish", inv.RegisterItem.TYPE, "--data",
                          f'{{"item_no": "{item_no}", "base_unit": "PCS", "tracking_policy": "lot"}}')
    command_id = printed(published, "command id")

    # The command as it sits on the topic, read back with `watch`.
    seen = await slt(stack, "watch", INVENTORY_COMMANDS, "--from-beginning", "--correlation-id", command_id,
                     "--max", "1", "--timeout", "30")

    assert seen.exit_code == 0 and "1 record(s)" in seen.out
    assert f"{inv.RegisterItem.TYPE} {INVENTORY_COMMANDS}[" in seen.out and f"key={item_no}" in seen.out
    assert f"id={command_id} correlation={command_id} causation=" in seen.out
    await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)


async def test_watch_filters_by_item_and_type_and_stops_at_max(stack, kafka):
    wanted, other = unique("WATCH"), unique("WATCH")
    for item_no in (other, wanted):
        command_id = await kafka.send_command(INVENTORY_COMMANDS, inv.RegisterItem.TYPE,
                                              {"item_no": item_no, "base_unit": "PCS", "tracking_policy": "none"}, key=item_no)
        await kafka.wait_for(type=inv.ItemRegistered.TYPE, causation_id=command_id)

    # Both topics from the start: only the fact about the wanted item passes both filters.
    filtered = await slt(stack, "watch", INVENTORY_EVENTS, INVENTORY_COMMANDS, "--from-beginning", "--item", wanted,
                         "--type", inv.ItemRegistered.TYPE, "--timeout", "5")
    assert filtered.exit_code == 0 and "1 record(s)" in filtered.out
    assert f"{inv.ItemRegistered.TYPE} {INVENTORY_EVENTS}[" in filtered.out and wanted in filtered.out
    assert other not in filtered.out

    bounded = await slt(stack, "watch", INVENTORY_EVENTS, "--from-beginning", "--max", "2", "--timeout", "30")
    assert bounded.exit_code == 0 and "2 record(s)" in bounded.out


async def test_watch_of_an_unknown_topic_exits_2(stack):
    run = await slt(stack, "watch", "no.such.topic.v1", "--timeout", "1")
    assert run.exit_code == 2 and "no such topic: no.such.topic.v1" in run.err


async def test_dlq_list_show_and_replay_of_a_malformed_command(stack, kafka):
    dlq = dead_letter_topic(INVENTORY_COMMANDS)
    key = unique("BROKEN")
    headers = Envelope.new(inv.RegisterItem.TYPE, "/tests").to_headers()
    ce_id = dict(headers)["ce_id"].decode()
    await kafka.send(INVENTORY_COMMANDS, b'{"item_no": 7}', headers, key=key.encode())
    await kafka.wait_for(topic=dlq, ce_id=ce_id)

    # list: one line per letter, with where it came from and why.
    listed = await slt(stack, "dlq", "list", INVENTORY_COMMANDS)
    assert listed.exit_code == 0, listed.err
    [line] = [line for line in listed.out.splitlines() if f"id={ce_id}" in line]
    assert f"from {INVENTORY_COMMANDS}[" in line and "does not match its schema" in line
    offset = line.split()[0].split(":")[1]

    # show: every header, the dlq_* ones included, and the value.
    shown = await slt(stack, "dlq", "show", dlq, offset)
    assert shown.exit_code == 0, shown.err
    assert f"ce_id: {ce_id}" in shown.out and "dlq_reason: " in shown.out and '"item_no": 7' in shown.out

    # replay: the original bytes and headers go back to the command topic, without dlq_* headers;
    # the consumer takes the message again and, still malformed, dead-letters it once more.
    replayed = await slt(stack, "dlq", "replay", INVENTORY_COMMANDS, offset)
    assert replayed.exit_code == 0, replayed.err
    new_offset = re.search(rf"to {re.escape(INVENTORY_COMMANDS)}\[\d+\]@(\d+)", replayed.out).group(1)
    letters = await kafka.wait_for(topic=dlq, ce_id=ce_id, count=2)
    assert letters[1].value == b'{"item_no": 7}' and letters[1].key == key.encode()
    assert letters[1].headers["dlq_original_offset"] == new_offset

    relisted = await slt(stack, "dlq", "list", dlq)
    second = [line for line in relisted.out.splitlines() if f"id={ce_id}" in line][1].split()[0].split(":")[1]
    second_letter = await slt(stack, "dlq", "show", dlq, second)
    assert second_letter.out.count("dlq_reason: ") == 1, "replay must strip the first letter's dlq_* headers"


async def test_dlq_show_of_a_missing_offset_and_replay_without_offsets_exit_2(stack):
    missing = await slt(stack, "dlq", "show", INVENTORY_COMMANDS, str(10**12))
    assert missing.exit_code == 2 and "no dead letter at" in missing.err
    nothing = await slt(stack, "dlq", "replay", INVENTORY_COMMANDS)
    assert nothing.exit_code == 2 and "name the offsets to replay, or --all" in nothing.err


async def test_bootstrap_option_overrides_the_environment(stack):
    run = await slt(stack, "watch", INVENTORY_EVENTS, "--timeout", "1", "--bootstrap", stack.infra.bootstrap,
                    bootstrap_env="127.0.0.1:9")
    assert run.exit_code == 0 and "0 record(s)" in run.out

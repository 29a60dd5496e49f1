"""`slt` refuses bad input before it talks to Kafka, and `watch` filters find stock anywhere in a record."""

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from slt_cli.kafka import Record
from slt_cli.main import app
from slt_cli.reconcile import Report
from slt_cli.watch import Filter

runner = CliRunner()
NOWHERE = "127.0.0.1:9"  # nothing listens: these commands must fail before connecting


def slt(*args: str):
    return runner.invoke(app, [*args, "--bootstrap", NOWHERE])


def test_publish_of_an_unknown_type_exits_2_and_lists_the_commands():
    result = slt("publish", "inventory.item.rename.v1", "--data", "{}")
    assert result.exit_code == 2
    assert "unknown message type 'inventory.item.rename.v1'" in result.output
    assert "inventory.item.register.v1" in result.output


def test_publish_of_a_fact_exits_2():
    result = slt("publish", "inventory.item.registered.v1", "--data", "{}")
    assert result.exit_code == 2
    assert "is a fact" in result.output


def test_publish_of_data_that_breaks_the_contract_exits_2_and_names_the_fields():
    result = slt("publish", "inventory.item.register.v1", "--data", '{"item_no": "BOLT", "base_unit": "PCS"}')
    assert result.exit_code == 2
    assert "tracking_policy: Field required" in result.output


def test_publish_of_data_that_is_not_json_exits_2():
    result = slt("publish", "inventory.item.register.v1", "--data", "{item_no: BOLT")
    assert result.exit_code == 2
    assert "cannot read the command's data" in result.output


def test_publish_needs_exactly_one_of_file_and_data(tmp_path: Path):
    command = tmp_path / "cmd.json"
    command.write_text("{}")
    assert slt("publish", "inventory.item.register.v1").exit_code == 2
    assert slt("publish", "inventory.item.register.v1", "--file", str(command), "--data", "{}").exit_code == 2


def test_slt_is_installed_as_a_console_script():
    script = Path(sys.executable).parent / "slt"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "publish" in result.stdout and "dlq" in result.stdout


def record(value: dict, ce_type: str = "warehouse.receipt.posted.v1", correlation_id: str = "c-1") -> Record:
    headers = (("ce_type", ce_type.encode()), ("correlation_id", correlation_id.encode()))
    return Record("warehouse.events.v1", 0, 0, 0, b"k", json.dumps(value).encode(), headers)


RECEIPT = record({"item_no": "BOLT", "location_code": "MAIN",
                  "lines": [{"serial": "", "lot": "L-7", "quantity": "5"}, {"serial": "SN-1", "lot": "", "quantity": "1"}]})


def test_watch_filter_finds_serial_and_lot_in_document_lines():
    assert Filter(fields={"lot": "L-7"}).matches(RECEIPT)
    assert Filter(fields={"serial": "SN-1", "item_no": "BOLT", "location_code": "MAIN"}).matches(RECEIPT)
    assert not Filter(fields={"lot": "L-8"}).matches(RECEIPT)


def test_watch_filter_matches_new_and_former_values_of_a_reclassification():
    moved = record({"item_no": "BOLT", "lot": "L-1", "new_lot": "L-2"}, "warehouse.reclassification.registered.v1")
    assert Filter(fields={"lot": "L-2"}).matches(moved)
    assert Filter(fields={"lot": "L-1"}).matches(moved)


def test_watch_filter_by_type_and_correlation_id():
    assert Filter(types=("warehouse.receipt.posted.v1",), correlation_id="c-1").matches(RECEIPT)
    assert not Filter(types=("warehouse.pick.created.v1",)).matches(RECEIPT)
    assert not Filter(correlation_id="c-2").matches(RECEIPT)


def test_watch_filter_on_fields_skips_values_that_are_not_json():
    undecodable = Record("inventory.commands.v1.dlq", 0, 0, 0, None, b"\xff{", ())
    assert Filter().matches(undecodable)
    assert not Filter(fields={"item_no": "BOLT"}).matches(undecodable)


def slt_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`slt` as a person runs it: a process whose whole stderr counts (library logs and warnings included)."""
    environment = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "slt_cli", *args], capture_output=True, text=True, timeout=120,
                          env=environment)


def test_an_unreachable_kafka_names_the_address_and_the_flag_without_library_noise():
    for args in (["watch", "inventory.events.v1", "--timeout", "1", "--bootstrap", NOWHERE],
                 ["publish", "inventory.item.register.v1", "--data",
                  '{"item_no": "B", "base_unit": "PCS", "tracking_policy": "none"}', "--bootstrap", NOWHERE],
                 ["dlq", "list", "inventory.commands.v1", "--bootstrap", NOWHERE]):
        done = slt_process(*args)
        assert done.returncode == 1, done
        assert done.stderr.splitlines() == [
            f"cannot reach Kafka at {NOWHERE} (KafkaConnectionError)",
            "check that the broker runs there, or point slt at it with --bootstrap HOST:PORT or KAFKA_BOOTSTRAP_SERVERS",
        ], done.stderr


def test_the_environment_variable_is_named_too_and_its_address_reported():
    done = slt_process("watch", "inventory.events.v1", "--timeout", "1", env={"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:7"})
    assert done.returncode == 1 and "cannot reach Kafka at 127.0.0.1:7" in done.stderr
    assert "Traceback" not in done.stderr and "Unclosed" not in done.stderr


def test_an_unreachable_read_api_names_its_address_and_the_option_to_change():
    wrong = "http://127.0.0.1:9"
    inventory = slt_process("availability", "BOLT", "--inventory-url", wrong)
    assert inventory.returncode == 1
    assert inventory.stderr.splitlines() == [
        f"the inventory read API at {wrong} does not answer (ConnectError)",
        "check that the service runs there, or pass --inventory-url URL or set INVENTORY_URL"]
    warehouse = slt_process("reconcile", "--location", "MAIN", "--warehouse-url", wrong)
    assert warehouse.returncode == 1 and "--warehouse-url URL or set WAREHOUSE_URL" in warehouse.stderr
    assert f"the warehouse read API at {wrong} does not answer" in warehouse.stderr


def completions(*words: str) -> list[str]:
    """What the shell offers after `slt WORDS...` (the bash protocol of `slt --install-completion`)."""
    script = Path(sys.executable).parent / "slt"
    line = ["slt", *words]
    done = subprocess.run([str(script)], capture_output=True, text=True, timeout=60, env={
        **os.environ, "_SLT_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(line), "COMP_CWORD": str(len(line) - 1)})
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_shell_completion_offers_message_types_and_topics():
    assert completions("publish", "inventory.item.") == [  # commands only, not facts
        "inventory.item.register.v1", "inventory.item.set_units.v1"]
    assert completions("watch", "warehouse.") == ["warehouse.commands.v1", "warehouse.events.v1",
                                                  "warehouse.commands.v1.dlq", "warehouse.events.v1.dlq"]
    assert "inventory.item.registered.v1" in completions("watch", "inventory.events.v1", "--type", "inventory.item.")
    assert completions("dlq", "list", "inventory.c") == ["inventory.commands.v1", "inventory.commands.v1.dlq"]


def test_reconcile_counts_an_item_compared_once_every_part_of_its_comparison_arrived_each_part_once():
    report = Report("MAIN", "REC-1", items_in_report=1, reported={"BOLT"})

    def part(number: int, *serials: str) -> dict:
        lines = [{"serial": serial, "difference": "1"} for serial in serials]
        return {"request_id": "REC-1", "item_no": "BOLT", "part": number, "parts": 2, "differences": lines}

    report.add_comparison(part(2, "S3"))
    assert not report.complete and report.differences == {}
    report.add_comparison(part(1, "S1", "S2"))
    report.add_comparison(part(1, "S1", "S2"))  # read again: counted once
    assert report.complete and [line["serial"] for line in report.differences["BOLT"]] == ["S1", "S2", "S3"]

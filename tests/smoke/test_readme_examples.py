"""The README's examples, run as written against the running system (the test stack's Kafka, PostgreSQL and
both services): every fenced `bash` and `python` block, in the README's order.

Only the addresses differ from a reader's machine: the stack listens on free ports, so `127.0.0.1:19092`,
`http://127.0.0.1:8081` and `http://127.0.0.1:8082` (where `make up` listens) are replaced by the stack's,
and `slt` finds them in KAFKA_BOOTSTRAP_SERVERS / WAREHOUSE_URL / INVENTORY_URL as the README says.
Blocks of `make` targets are proven elsewhere (tests/smoke, CI itself). A new block without a check here
fails the test, so the README cannot grow an example nobody runs.
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from contracts import inventory as inv
from contracts import warehouse as wh
from contracts.topics import INVENTORY_COMMANDS, dead_letter_topic
from tests.support.infra import REPO

BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_blocks() -> list[tuple[str, str]]:
    blocks = BLOCK.findall((REPO / "README.md").read_text())
    return [(language, code) for language, code in blocks if not _only_make(language, code)]


def _only_make(language: str, code: str) -> bool:
    lines = [line for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return language == "bash" and all(line.startswith("make ") for line in lines)


def json_values(text: str) -> list:
    """JSON values printed one after the other (curl adds no newline)."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while at < len(text.rstrip()):
        value, at = decoder.raw_decode(text, at)
        values.append(value)
        while at < len(text) and text[at].isspace():
            at += 1
    return values


@pytest.fixture(scope="session")
def kcat() -> str:
    """kcat from Debian's package, installed with apt-get when missing (CI runs as root), never skipped."""
    if not shutil.which("kcat"):
        apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "-n", "apt-get"]
        assert shutil.which(apt[0]), "no apt-get to install kcat with: install Debian's kcat package"
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*apt, "update", "-q"], check=True, capture_output=True, timeout=600, env=env)
        subprocess.run([*apt, "install", "-y", "-q", "kcat"], check=True, capture_output=True, timeout=900, env=env)
    assert shutil.which("kcat"), "kcat is missing after apt-get install kcat"
    return shutil.which("kcat")


def run_block(stack, language: str, code: str) -> subprocess.CompletedProcess:
    for written, actual in (("127.0.0.1:19092", stack.infra.bootstrap), ("http://127.0.0.1:8081", stack.warehouse.url),
                            ("http://127.0.0.1:8082", stack.inventory.url)):
        code = code.replace(written, actual)
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": stack.infra.bootstrap, "WAREHOUSE_URL": stack.warehouse.url,
           "INVENTORY_URL": stack.inventory.url, "COLUMNS": "100"}
    program = ["bash", "-euo", "pipefail", "-c", code] if language == "bash" else [sys.executable, "-c", code]
    done = subprocess.run(program, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"README block failed (exit {done.returncode}):\n{code}\n--- out\n{done.stdout}\n--- err\n{done.stderr}"
    return done


async def test_every_readme_example_works_as_written(stack, kafka, kcat):
    blocks = readme_blocks()
    checked = []
    for language, code in blocks:
        done = run_block(stack, language, code)
        if "slt publish inventory.item.register.v1" in code:  # the first screen
            assert inv.ItemRegistered.TYPE in done.stdout and "PUMP-7" in done.stdout, done.stdout
            assert "1 record(s)" in done.stdout and "no stock of PUMP-7" in done.stdout
            assert json_values(done.stdout[done.stdout.rindex('{"item_no"'):])[0]["item_no"] == "PUMP-7"
            checked.append("quick start")
        elif "kcat -P" in code:
            [fact] = await kafka.wait_until(lambda m: m.headers.get("correlation_id") == "order-4711"
                                            and m.type in (inv.ItemRegistered.TYPE, inv.CommandRejected.TYPE),
                                            describe="the answer to the kcat command")
            assert fact.type == inv.ItemRegistered.TYPE and fact.json()["item_no"] == "BOLT-M8", fact.json()
            assert fact.json()["expiration_required"] is True
            assert not kafka.matching(topic=dead_letter_topic(INVENTORY_COMMANDS), correlation_id="order-4711")
            checked.append("kcat producer")
        elif "kcat -C" in code:  # bounded: it ended by itself (run_block's timeout did not strike)
            assert f"ce_type={inv.ItemRegistered.TYPE}" in done.stdout and "correlation_id=order-4711" in done.stdout
            checked.append("kcat watch")
        elif language == "python" and "AIOKafkaProducer" in code:
            [fact] = await kafka.wait_until(lambda m: m.headers.get("correlation_id") == "setup-1"
                                            and m.type in (wh.LocationConfigured.TYPE, wh.CommandRejected.TYPE),
                                            describe="the answer to the aiokafka command")
            assert fact.type == wh.LocationConfigured.TYPE and fact.json()["location_code"] == "MAIN", fact.json()
            checked.append("aiokafka")
        elif "curl -sf" in code and "/locations/MAIN" in code:
            location, availability = json_values(done.stdout)
            assert location["location_code"] == "MAIN" and location["adjustment_bin"] == "ADJ"
            assert availability["item_no"] == "BOLT-M8"
            checked.append("read APIs")
        else:
            raise AssertionError(f"README block without a check in this test:\n{code}")
    assert checked == ["quick start", "kcat producer", "kcat watch", "aiokafka", "read APIs"]

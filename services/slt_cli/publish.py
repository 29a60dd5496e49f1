"""`slt publish`: a command validated against its contract model, then sent as an outside client would."""

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from contracts.base import Message
from contracts.catalog import ANSWERS_ON, MESSAGES, REFUSALS, TOPIC_OF
from contracts.envelope import Envelope
from slt_cli import kafka
from slt_cli.errors import FAILED, INVALID_INPUT, NO_ANSWER, CliError
from slt_cli.render import console, show


def command_types() -> list[str]:
    return sorted(t for t, topic in TOPIC_OF.items() if topic in ANSWERS_ON)


def load_command(ce_type: str, file: Path | None, data: str | None) -> Message:
    """The command as its model, or a CliError saying what is wrong with the input."""
    if ce_type not in MESSAGES:
        raise CliError(
            f"unknown message type {ce_type!r}; commands are:\n  " + "\n  ".join(command_types()), INVALID_INPUT
        )
    if TOPIC_OF[ce_type] not in ANSWERS_ON:
        raise CliError(f"{ce_type} is a fact that only its service publishes, not a command", INVALID_INPUT)
    if (file is None) == (data is None):
        raise CliError("give the command's data with exactly one of --file or --data", INVALID_INPUT)
    try:
        raw: Any = _parse_file(file) if file is not None else json.loads(data or "")
    except (OSError, ValueError, yaml.YAMLError) as problem:
        raise CliError(f"cannot read the command's data: {problem}", INVALID_INPUT) from problem
    try:
        return MESSAGES[ce_type].model_validate(raw)
    except ValidationError as invalid:
        problems = "\n  ".join(f"{'.'.join(map(str, e['loc'])) or '(data)'}: {e['msg']}" for e in invalid.errors())
        raise CliError(f"{ce_type} is invalid:\n  {problems}", INVALID_INPUT) from invalid


def _parse_file(file: Path) -> Any:
    text = file.read_text()
    return yaml.safe_load(text) if file.suffix.lower() in (".yaml", ".yml") else json.loads(text)


@dataclass(frozen=True)
class Waiting:
    """How `publish --wait` collects what the command caused: facts it caused directly (or, with
    `conversation`, every fact of its conversation, on every fact topic), until `quiet` seconds pass
    without another one; `timeout` bounds the wait for the first."""

    timeout: float
    quiet: float
    conversation: bool = False


async def publish(
    bootstrap: str, command: Message, source: str, correlation_id: str | None, waiting: Waiting | None
) -> None:
    """Send the command; with `waiting`, print every fact it caused (CliError when refused or silent)."""
    envelope = Envelope.new(command.TYPE, source, correlation_id=correlation_id)
    if waiting is None:
        await _send(bootstrap, command, envelope)
        return
    topics = sorted(set(ANSWERS_ON.values())) if waiting.conversation else [ANSWERS_ON[TOPIC_OF[command.TYPE]]]
    # Positioned before sending, so that even an immediate answer is read.
    async with kafka.reader(bootstrap, topics, from_beginning=False) as answers:
        await _send(bootstrap, command, envelope)
        caused = await _collect(answers, envelope, waiting)
    if not caused:
        raise CliError(f"nothing on {', '.join(topics)} caused by {envelope.id} within {waiting.timeout:g}s", NO_ANSWER)
    console.print(f"{len(caused)} fact(s), then {waiting.quiet:g}s without another", style="dim")
    refusals = [(record.json() or {}).get("reason_code", "") for record in caused if record.type in REFUSALS]
    if refusals:
        raise CliError(f"refused: {', '.join(refusals)}", FAILED)


async def _collect(answers: AIOKafkaConsumer, envelope: Envelope, waiting: Waiting) -> list[kafka.Record]:
    """Show the facts as they come; each one found gives the next `quiet` seconds to arrive."""
    loop = asyncio.get_running_loop()
    deadline, caused = loop.time() + waiting.timeout, []
    while (remaining := deadline - loop.time()) > 0:
        batch = await answers.getmany(timeout_ms=max(1, int(min(remaining, 0.5) * 1000)))
        for record in (kafka.Record.of(r) for records in batch.values() for r in records):
            if record.causation_id == envelope.id or (
                waiting.conversation and record.correlation_id == envelope.correlation_id
            ):
                show(record)
                caused.append(record)
                deadline = loop.time() + waiting.quiet
    return caused


async def _send(bootstrap: str, command: Message, envelope: Envelope) -> None:
    """CloudEvents in binary mode (attributes as headers, the JSON data as value), keyed like the contract says."""
    topic, key = TOPIC_OF[command.TYPE], command.kafka_key()
    async with kafka.producer(bootstrap) as producer:
        await producer.send_and_wait(
            topic, command.model_dump_json().encode(), key=key.encode(), headers=envelope.to_headers()
        )
    console.print(f"published {command.TYPE} to {topic} key={key}")
    console.print(f"command id: {envelope.id}")
    console.print(f"correlation id: {envelope.correlation_id}")

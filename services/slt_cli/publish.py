"""`slt publish`: a command validated against its contract model, then sent as an outside client would."""

import json
from pathlib import Path
from typing import Any

import yaml
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
        raise CliError(f"unknown message type {ce_type!r}; commands are:\n  " + "\n  ".join(command_types()), INVALID_INPUT)
    if TOPIC_OF[ce_type] not in ANSWERS_ON:
        raise CliError(f"{ce_type} is a fact that only its service publishes, not a command", INVALID_INPUT)
    if (file is None) == (data is None):
        raise CliError("give the command's data with exactly one of --file or --data", INVALID_INPUT)
    try:
        raw: Any = _parse_file(file) if file is not None else json.loads(data)
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


async def publish(bootstrap: str, command: Message, source: str, correlation_id: str | None,
                  wait_seconds: float | None) -> None:
    """Send the command; with `wait_seconds`, print the first fact it caused (CliError when refused or silent)."""
    envelope = Envelope.new(command.TYPE, source, correlation_id=correlation_id)
    if wait_seconds is None:
        await _send(bootstrap, command, envelope)
        return
    answers_on = ANSWERS_ON[TOPIC_OF[command.TYPE]]
    # Positioned before sending, so that even an immediate answer is read.
    async with kafka.reader(bootstrap, [answers_on], from_beginning=False) as answers:
        await _send(bootstrap, command, envelope)
        async for record in kafka.records(answers, timeout=wait_seconds):
            if record.causation_id == envelope.id:
                show(record)
                if record.type in REFUSALS:
                    raise CliError(f"refused: {(record.json() or {}).get('reason_code', '')}", FAILED)
                return
    raise CliError(f"nothing on {answers_on} caused by {envelope.id} within {wait_seconds:g}s", NO_ANSWER)


async def _send(bootstrap: str, command: Message, envelope: Envelope) -> None:
    """CloudEvents in binary mode (attributes as headers, the JSON data as value), keyed like the contract says."""
    topic, key = TOPIC_OF[command.TYPE], command.kafka_key()
    async with kafka.producer(bootstrap) as producer:
        await producer.send_and_wait(topic, command.model_dump_json().encode(), key=key.encode(), headers=envelope.to_headers())
    console.print(f"published {command.TYPE} to {topic} key={key}")
    console.print(f"command id: {envelope.id}")
    console.print(f"correlation id: {envelope.correlation_id}")

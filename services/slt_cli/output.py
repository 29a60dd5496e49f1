"""How a command prints what it found: tables and coloured lines for people, or JSON lines for programs.

`--output json` prints one JSON object per line on stdout (a record, a location, a row, a comparison);
notes about progress go to stderr, so `slt ... --output json | jq` reads only data.
"""

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from contracts.catalog import MESSAGES
from contracts.topics import ALL_TOPICS
from slt_cli.publish import command_types


class Format(StrEnum):
    text = "text"
    json = "json"


OutputOption = Annotated[
    Format,
    typer.Option("--output", "-o", help="text: tables and lines for people; json: JSON lines, one object per line"),
]


def json_line(value: Any) -> None:
    """One JSON value on one line; decimals and dates as the services wrote them (strings)."""
    print(json.dumps(value, default=str, ensure_ascii=False), flush=True)


# --- shell completion (`slt --install-completion`) -------------------------------------------------
def complete_message_types(incomplete: str) -> list[str]:
    return sorted(t for t in MESSAGES if t.startswith(incomplete))


def complete_command_types(incomplete: str) -> list[str]:
    return [t for t in command_types() if t.startswith(incomplete)]


def complete_topics(incomplete: str) -> list[str]:
    return [t.name for t in ALL_TOPICS if t.name.startswith(incomplete)]

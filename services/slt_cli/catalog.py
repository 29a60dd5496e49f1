"""`slt types` and `slt example TYPE`: the message types the contracts know, and one example of each."""

import json
from typing import Annotated

import typer
import yaml

from contracts.catalog import ANSWERS_ON, MESSAGES, TOPIC_OF
from contracts.examples import example as example_of
from slt_cli.errors import INVALID_INPUT
from slt_cli.render import error


def kind(ce_type: str) -> str:
    return "command" if TOPIC_OF[ce_type] in ANSWERS_ON else "fact"


def lines(only: str | None) -> list[str]:
    """One line per type: ce_type, command or fact, topic, Kafka key."""
    chosen = sorted(t for t in MESSAGES if only is None or only in (kind(t), TOPIC_OF[t]))
    width = max((len(t) for t in chosen), default=0)
    return [f"{t:<{width}}  {kind(t):<7}  {TOPIC_OF[t]:<21}  key={'|'.join(MESSAGES[t].KEY)}" for t in chosen]


def types(
    only: Annotated[
        str | None, typer.Argument(metavar="[command|fact|TOPIC]", help="only commands, facts or a topic")
    ] = None,
) -> None:
    """Every message type: ce_type, command or fact, its topic and the fields of its Kafka key."""
    found = lines(only)
    if not found:
        topics = ", ".join(sorted(set(TOPIC_OF.values())))
        error(f"no message types for {only!r}: give command, fact or one of {topics}")
        raise typer.Exit(INVALID_INPUT)
    print("\n".join(found))


def example(
    ce_type: Annotated[str, typer.Argument(metavar="TYPE", help="a ce_type, e.g. inventory.item.register.v1")],
    as_yaml: Annotated[bool, typer.Option("--yaml", help="YAML instead of JSON")] = False,
) -> None:
    """An example of TYPE's data, valid against its contract: edit it, then `slt publish TYPE --data/--file`."""
    if ce_type not in MESSAGES:
        error(f"unknown message type {ce_type!r}; `slt types` lists them")
        raise typer.Exit(INVALID_INPUT)
    data = example_of(MESSAGES[ce_type])
    print(yaml.safe_dump(data, sort_keys=False).rstrip() if as_yaml else json.dumps(data, indent=2))


def register(app: typer.Typer) -> None:
    app.command()(types)
    app.command()(example)

"""JSON Schema files of every message, and the check that a message type stays compatible.

`contracts/schemas/<ce_type>.json` is generated from the pydantic models, so integrators in any
language can validate what they send and read. The files are committed: a test fails when they
drift from the code, and `check-compat` compares them with an older set, because a `ce_type`
is a promise: within one version a message may gain optional fields, nothing else.

    python -m contracts.schema_tools write                      # regenerate contracts/schemas/
    python -m contracts.schema_tools check-compat OLD_DIR [NEW_DIR]   # NEW_DIR: the code as it is now
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from contracts.base import Message
from contracts.catalog import MESSAGES
from contracts.examples import example

SCHEMA_DIR = Path(__file__).parent / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
WRITE_COMMAND = "python -m contracts.schema_tools write"

Schema = dict[str, Any]


def generate() -> dict[str, Schema]:
    """The schema of every message, by `ce_type`, as readers validate it (pydantic's validation mode)."""
    return {ce_type: schema_of(model) for ce_type, model in sorted(MESSAGES.items())}


def schema_of(model: type[Message]) -> Schema:
    """The model's JSON Schema with an example and `x-kafka-key`: the fields its Kafka key joins, with `|`."""
    instance = example(model)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **model.model_json_schema(),
        "examples": [instance],
        "x-kafka-key": kafka_key(model, instance),
    }


def kafka_key(model: type[Message], instance: dict[str, Any]) -> Schema:
    return {
        "fields": list(model.KEY),
        "format": "|".join(model.KEY),
        "example": model.model_validate(instance).kafka_key(),
    }


def render(schema: Schema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write(directory: Path = SCHEMA_DIR) -> None:
    """Replace the schema files with the code's; files of types that no longer exist are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    schemas = generate()
    for stale in set(load(directory)) - set(schemas):
        (directory / f"{stale}.json").unlink()
    for ce_type, schema in schemas.items():
        (directory / f"{ce_type}.json").write_text(render(schema))


def load(directory: Path) -> dict[str, Schema]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))}


def drift(directory: Path = SCHEMA_DIR) -> list[str]:
    """How the committed files differ from the code; empty when they agree."""
    committed = {path.stem: path.read_text() for path in directory.glob("*.json")}
    current = {ce_type: render(schema) for ce_type, schema in generate().items()}
    return sorted(
        [f"{t}: no schema file" for t in current.keys() - committed.keys()]
        + [f"{t}: schema file of a type the code no longer has" for t in committed.keys() - current.keys()]
        + [
            f"{t}: schema file differs from the model"
            for t in current.keys() & committed.keys()
            if current[t] != committed[t]
        ]
    )


def incompatibilities(old: dict[str, Schema], new: dict[str, Schema]) -> list[str]:
    """Changes that break a reader or a writer of an existing `ce_type`; new types are welcome."""
    problems: list[str] = []
    for ce_type, old_schema in sorted(old.items()):
        if ce_type not in new:
            problems.append(f"{ce_type}: message type removed")
            continue
        _compare(_Side(old_schema), _Side(new[ce_type]), old_schema, new[ce_type], ce_type, problems)
    return problems


class _Side:
    """One schema document, to resolve the `$ref`s into its `$defs`."""

    def __init__(self, document: Schema) -> None:
        self._defs = document.get("$defs", {})

    def resolve(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            schema = self._defs[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def alternatives(self, schema: Schema) -> list[Schema]:
        """`A | B | None` is `anyOf`; a plain type is its own single alternative."""
        schema = self.resolve(schema)
        choices: list[Schema] = schema.get("anyOf") or schema.get("oneOf") or [schema]
        return [self.resolve(s) for s in choices]

    def values(self, schema: Schema) -> set[str]:
        """The `enum` values a string from a set may take; empty when any value is allowed."""
        return {value for alternative in self.alternatives(schema) for value in alternative.get("enum", ())}

    def kinds(self, schema: Schema) -> set[str]:
        """The JSON types a value may have; a date is not just any string."""
        found = set()
        for alternative in self.alternatives(schema):
            types = alternative.get("type", "any")
            for kind in types if isinstance(types, list) else [types]:
                found.add(f"{kind}:{alternative['format']}" if "format" in alternative else kind)
        return found


def _compare(old: _Side, new: _Side, old_schema: Schema, new_schema: Schema, path: str, problems: list[str]) -> None:
    old_kinds, new_kinds = old.kinds(old_schema), new.kinds(new_schema)
    if old_kinds != new_kinds:
        problems.append(f"{path}: type changed from {sorted(old_kinds)} to {sorted(new_kinds)}")
        return
    removed = old.values(old_schema) - new.values(new_schema) if new.values(new_schema) else set()
    if removed:
        problems.append(f"{path}: value(s) {sorted(removed)} no longer allowed")
    old_parts, new_parts = old.alternatives(old_schema), new.alternatives(new_schema)
    for old_part in old_parts:
        kind = old_part.get("type")
        same = next((p for p in new_parts if p.get("type") == kind), None)
        if kind == "object" and same is not None:
            _compare_fields(old, new, old_part, same, path, problems)
        elif kind == "array" and same is not None and "items" in old_part and "items" in same:
            _compare(old, new, old_part["items"], same["items"], f"{path}[]", problems)


def _compare_fields(
    old: _Side, new: _Side, old_object: Schema, new_object: Schema, path: str, problems: list[str]
) -> None:
    old_fields, new_fields = old_object.get("properties", {}), new_object.get("properties", {})
    for name, field in old_fields.items():
        if name not in new_fields:
            problems.append(f"{path}.{name}: field removed")
        else:
            _compare(old, new, field, new_fields[name], f"{path}.{name}", problems)
    for name in sorted(set(new_object.get("required", ())) - set(old_object.get("required", ()))):
        problems.append(f"{path}.{name}: field is now required (existing writers do not send it)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contracts.schema_tools", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    write_command = commands.add_parser("write", help="regenerate the schema files from the models")
    write_command.add_argument("directory", nargs="?", type=Path, default=SCHEMA_DIR)
    compat = commands.add_parser("check-compat", help="fail when NEW breaks a message type of OLD")
    compat.add_argument("old", type=Path, help="baseline, e.g. the schemas of the last release")
    compat.add_argument("new", type=Path, nargs="?", help="default: the schemas of the code as it is now")
    args = parser.parse_args(argv)

    if args.command == "write":
        write(args.directory)
        print(f"wrote {len(MESSAGES)} schemas to {args.directory}")
        return 0
    problems = incompatibilities(load(args.old), load(args.new) if args.new else generate())
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"{len(problems)} incompatible change(s): a breaking change needs a new ce_type version", file=sys.stderr)
        return 1
    print("compatible")
    return 0


if __name__ == "__main__":
    sys.exit(main())

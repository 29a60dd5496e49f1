"""The committed JSON Schemas are the code's, and a message type only ever grows optional fields."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from contracts import schema_tools
from contracts.catalog import MESSAGES
from contracts.schema_tools import SCHEMA_DIR, WRITE_COMMAND, drift, incompatibilities, load, main

Schema = dict


def test_every_message_has_a_committed_schema_equal_to_its_model():
    differences = drift()
    assert not differences, (
        "contracts/schemas/ is out of date with the models:\n  " + "\n  ".join(differences)
        + f"\nRegenerate with `{WRITE_COMMAND}` (and review the diff: `check-compat` must still pass)."
    )


def test_there_is_one_schema_file_per_ce_type():
    assert sorted(load(SCHEMA_DIR)) == sorted(MESSAGES)


def test_drift_is_reported_when_a_file_is_edited_or_missing(tmp_path):
    schema_tools.write(tmp_path)
    assert drift(tmp_path) == []
    (tmp_path / "inventory.item.register.v1.json").write_text("{}\n")
    (tmp_path / "warehouse.location.configure.v1.json").unlink()
    assert drift(tmp_path) == [
        "inventory.item.register.v1: schema file differs from the model",
        "warehouse.location.configure.v1: no schema file",
    ]


def test_the_code_is_compatible_with_the_committed_baseline(capsys):
    assert main(["check-compat", str(SCHEMA_DIR)]) == 0
    assert "compatible" in capsys.readouterr().out


def test_the_committed_baseline_is_compatible_with_itself_directory_to_directory():
    assert main(["check-compat", str(SCHEMA_DIR), str(SCHEMA_DIR)]) == 0


def broken_copy(tmp_path: Path, ce_type: str, change: Callable[[Schema], None]) -> Path:
    """The committed schemas with one deliberate change to `ce_type`."""
    copy = tmp_path / "new"
    shutil.copytree(SCHEMA_DIR, copy)
    path = copy / f"{ce_type}.json"
    schema = json.loads(path.read_text())
    change(schema)
    path.write_text(json.dumps(schema))
    return copy


def remove_base_unit(schema: Schema) -> None:
    del schema["properties"]["base_unit"]
    schema["required"].remove("base_unit")


def base_unit_becomes_a_number(schema: Schema) -> None:
    schema["properties"]["base_unit"] = {"type": "integer"}


def bin_ranking_becomes_a_string(schema: Schema) -> None:
    schema["$defs"]["LayoutBin"]["properties"]["ranking"] = {"type": "string", "default": "0"}


def new_required_priority(schema: Schema) -> None:
    schema["properties"]["priority"] = {"type": "integer"}
    schema["required"].append("priority")


def optional_field_becomes_required(schema: Schema) -> None:
    schema["required"].append("strict_expiration")


@pytest.mark.parametrize(
    ("ce_type", "change", "problem"),
    [
        ("inventory.item.register.v1", remove_base_unit, "inventory.item.register.v1.base_unit: field removed"),
        ("inventory.item.register.v1", base_unit_becomes_a_number,
         "inventory.item.register.v1.base_unit: type changed from ['string'] to ['integer']"),
        ("warehouse.location.configure.v1", bin_ranking_becomes_a_string,
         "warehouse.location.configure.v1.bins[].ranking: type changed from ['integer'] to ['string']"),
        ("inventory.item.register.v1", new_required_priority,
         "inventory.item.register.v1.priority: field is now required (existing writers do not send it)"),
        ("inventory.item.register.v1", optional_field_becomes_required,
         "inventory.item.register.v1.strict_expiration: field is now required (existing writers do not send it)"),
    ],
    ids=["removed-field", "changed-type", "changed-type-in-a-nested-part", "new-required-field", "optional-becomes-required"],
)
def test_a_breaking_change_to_a_v1_message_fails_the_check(tmp_path, capsys, ce_type, change, problem):
    broken = broken_copy(tmp_path, ce_type, change)
    assert incompatibilities(load(SCHEMA_DIR), load(broken)) == [problem]
    assert main(["check-compat", str(SCHEMA_DIR), str(broken)]) == 1
    assert problem in capsys.readouterr().err


def test_a_removed_message_type_fails_the_check(tmp_path):
    copy = tmp_path / "new"
    shutil.copytree(SCHEMA_DIR, copy)
    (copy / "inventory.item.register.v1.json").unlink()
    assert incompatibilities(load(SCHEMA_DIR), load(copy)) == ["inventory.item.register.v1: message type removed"]


def test_a_new_optional_field_and_a_new_message_type_are_compatible(tmp_path):
    def new_optional_note(schema: Schema) -> None:
        schema["properties"]["note"] = {"type": "string", "default": ""}

    grown = broken_copy(tmp_path, "inventory.item.register.v1", new_optional_note)
    (grown / "inventory.item.rename.v1.json").write_text(json.dumps({"type": "object", "properties": {}}))
    assert incompatibilities(load(SCHEMA_DIR), load(grown)) == []

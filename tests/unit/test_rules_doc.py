"""Every rule is defined in the repository (docs/rules.md), and whatever names a rule can be followed there."""

import json
import re
import subprocess

from typer.testing import CliRunner

from slt_cli.main import app
from tests.support.infra import REPO

RULES = REPO / "docs" / "rules.md"
RULE_ID = re.compile(r"\b(?:WD|ID|QD|RD|[WTISZQARUX])\d{1,2}\b")
CORE = {"W": 11, "T": 6, "I": 8, "S": 7, "Z": 2, "Q": 3, "A": 1, "R": 1, "U": 4, "X": 6}


def defined() -> set[str]:
    return set(re.findall(r'<a id="([A-Z]+\d+)"></a>', RULES.read_text()))


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.splitlines() if (REPO / name).is_file()]


def test_every_rule_of_the_spec_has_an_anchor_with_its_id():
    expected = {f"{prefix}{n}" for prefix, count in CORE.items() for n in range(1, count + 1)}
    assert expected - defined() == set()


def test_the_services_decisions_are_numbered_in_the_rules_not_left_beside_the_code():
    ids = defined()
    assert {f"WD{n}" for n in range(1, 29)} <= ids and {f"ID{n}" for n in range(1, 37)} <= ids
    text = RULES.read_text()
    assert "physical count" in text and "zeroes what it does not list" in text
    assert "Adjustment-bin netting" in text
    for rules_file in REPO.glob("services/*/domain/RULES.md"):
        assert "docs/rules.md" in rules_file.read_text() and len(rules_file.read_text().splitlines()) < 6


def test_one_section_per_area_and_the_scale_rules_are_throughput_targets():
    sections = re.findall(r"^## (.+)$", RULES.read_text(), re.MULTILINE)
    assert sections == ["Vocabulary", "Warehouse-tracking (W)", "Tracking numbers (T)", "Inventory/reservation (I)",
                        "Synchronization (S)", "Transfers (X)", "Units of measure (U)",
                        "Lot and serial information (Q)", "Availability feed (A)", "Recall (R)",
                        "Scale (Z): targets of the throughput work"]


def test_every_rule_a_test_is_named_after_is_defined():
    named = set()
    for path in (REPO / "tests").rglob("test_*.py"):
        named |= {m.group(1) for m in re.finditer(r"def test_((?:WD|ID|QD|RD|[WTISZQARUX])\d{1,2})_", path.read_text())}
    assert named, "tests are named after rules"
    assert named - defined() == set()


def test_every_rule_a_schema_or_the_cli_help_names_is_defined_and_they_link_the_rules():
    mentioned = set()
    for schema in (REPO / "contracts" / "schemas").glob("*.json"):
        text = json.dumps(json.loads(schema.read_text()))
        mentioned |= set(RULE_ID.findall(text))
    helps = {command: CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output
             for command in ("availability", "reconcile")}
    for shown in helps.values():
        mentioned |= set(RULE_ID.findall(shown))
    assert mentioned - defined() == set()
    assert "docs/rules.md" in CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    assert all("docs/rules.md#" in shown for shown in helps.values())
    assert "docs/rules.md#T4" in (REPO / "contracts" / "schemas" / "inventory.reservation.rejected.v1.json").read_text()
    assert "docs/rules.md" in (REPO / "README.md").read_text()


def test_nothing_in_the_repository_points_outside_it():
    outside = re.compile("|".join([r"\.\./" + "shared", "shared/" + "design", "domain" + r"\.md"]))
    offenders = [f"{name}:{n}" for name in tracked_files() if not name.endswith((".png", ".jar"))
                 for n, line in enumerate((REPO / name).read_text(errors="replace").splitlines(), start=1)
                 if outside.search(line)]
    assert offenders == []

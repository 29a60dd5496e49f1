"""The bench's fast self-check: `make bench` at tiny sizes produces every figure, and the figures agree.

Timing targets are not asserted (a shared CI machine says nothing about them); what is asserted is
that every scenario ran to a number, that ratios are the quotients of the numbers they compare, and
that the steps of a one-document run fit inside its total. The harness runs as its own process
(exactly the `make bench` command, with small sizes) on infrastructure of its own: its services
use the real consumer group names, so they must never share a broker with the session's services.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks import serials
from tests.benchmarks.__main__ import Figure, Report, document, serial_table
from tests.support.infra import REPO

TINY = ["--seconds", "2", "--window", "8", "--items", "16", "--baseline-messages", "200",
        "--serials", "10,20", "--part-lines", "8", "--step-timeout", "30", "--scenario-timeout", "90",
        "--rate", "40", "--decisions", "40", "--low-rate", "0", "--reservation-items", "4",
        "--entries", "20000", "--queries", "50", "--scale-seconds", "2"]
FIGURES = ["pipeline: lines/s (documents of 10 lines)", "pipeline: lines/s against the bare relay",
           "10 serials: receipt command to the inventory's posting of the shipment (s)",
           "20 serials: receipt command to the inventory's posting of the shipment (s)",
           "serials: per-line cost at 20 against 10",
           "reservation decisions at 40/s: p50 (ms)", "reservation decisions at 40/s: p99 (ms)",
           "availability p50 (ms), 20,000 entries", "availability p99 (ms), 20,000 entries / 2,000 reservations",
           "HTTP floor: GET /healthz p99 (ms)", "recall p50 (ms), 20,000 entries", "recall p99 (ms), 20,000 entries",
           "scale: 2 instances of each service against 1"]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench")
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")}
    done = subprocess.run([sys.executable, "-m", "tests.benchmarks", *TINY, "--doc", str(out / "benchmarks.md"),
                           "--json", str(out / "figures.json")], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "figures.json").read_text()), (out / "benchmarks.md").read_text()


def test_every_figure_is_produced_as_a_number(tiny_run):
    figures = {f["name"]: f for f in tiny_run[0]["figures"]}
    assert list(figures) == FIGURES, "a figure is missing, failed or unexpected"
    for f in figures.values():
        assert not f["value"].startswith("**failed**"), f
        assert math.isfinite(f["measured"]) and f["measured"] > 0, f
        assert (f["met"] is None) == (not f["target"]), f"a target without met/missed (or the reverse): {f}"


def test_ratios_are_the_quotients_of_what_they_compare(tiny_run):
    compared = [f for f in tiny_run[0]["figures"] if f["ratio"]]
    assert len(compared) == 9
    for f in compared:
        assert f["base"] > 0 and float(f["ratio"]) == pytest.approx(f["measured"] / f["base"], abs=0.006), f
    figures = {f["name"]: f for f in tiny_run[0]["figures"]}
    p50, p99 = figures["reservation decisions at 40/s: p50 (ms)"], figures["reservation decisions at 40/s: p99 (ms)"]
    assert p99["measured"] >= p50["measured"] and p99["base"] >= p50["base"]
    recall50, recall99 = figures["recall p50 (ms), 20,000 entries"], figures["recall p99 (ms), 20,000 entries"]
    assert recall99["measured"] >= recall50["measured"] and recall99["base"] >= recall50["base"]
    growth = figures["serials: per-line cost at 20 against 10"]
    totals = {run["serials"]: run["total"] for run in tiny_run[0]["serial_runs"]}
    assert (growth["measured"], growth["base"]) == pytest.approx((totals[20] / 20, totals[10] / 10))


def test_the_steps_of_a_serial_document_fit_inside_its_total(tiny_run):
    runs = tiny_run[0]["serial_runs"]
    assert [run["serials"] for run in runs] == [10, 20]
    for run in runs:
        steps = run["seconds"]
        assert run["failed"] == {} and list(steps) != [] and set(steps) == set(serials.STEPS), run
        assert all(seconds > 0 for seconds in steps.values()), run
        warehouse_chain = ["receipt posted", "put-away", "create pick", "register pick", "post shipment"]
        assert sum(steps[s] for s in warehouse_chain) <= run["total"], run
        assert steps["inventory posting of the receipt"] >= steps["receipt posted"], run
        assert steps["inventory posting of the shipment"] >= steps["post shipment"], run
        assert run["lines_per_command"] == 8  # 10 and 20 serials went in parts: every step's parts path ran


def test_the_report_shows_the_machine_every_figure_and_the_step_table(tiny_run):
    data, doc = tiny_run
    for key in ("cores (nproc)", "memory", "python", "kafka", "postgresql"):
        assert f"| {key} | {data['machine'][key]} |" in doc
    for name in FIGURES:
        assert f"| {name} |" in doc
    assert "| register pick | " in doc and "| 10 serials | 20 serials |" in doc


def test_a_rewrite_keeps_the_previous_run_beside_the_latest(tmp_path: Path):
    doc = tmp_path / "benchmarks.md"
    first = Report([Figure("figure A", "1")])
    doc.write_text(document(first, {"cores (nproc)": "2"}, 60.0, doc))
    doc.write_text(document(Report([Figure("figure A", "2")]), {"cores (nproc)": "2"}, 60.0, doc))
    doc.write_text(document(Report([Figure("figure A", "3")]), {"cores (nproc)": "2"}, 60.0, doc))
    text = doc.read_text()
    latest, previous = text.split("## Previous run")
    assert "| figure A | 3 |" in latest and "| figure A | 2 |" in previous and "| figure A | 1 |" not in text


def test_the_lines_that_fit_one_command_fit_and_one_more_would_not():
    widest = serials.serial_no("abcdef", 9_999_999)
    for kind, line in (("receipt", {"line_no": 1, "serial": widest, "quantity": "1"}),
                       ("pick", {"line_no": 9_999_999, "quantity": "1"})):
        fit = serials.lines_that_fit(kind)
        base = ({"receipt_no": "R" * 50, "put_away_no": "P" * 50} if kind == "receipt" else {"pick_no": "K" * 50})
        size = len(json.dumps({**base, "lines": [line] * fit}))
        assert size <= serials.COMMAND_BUDGET < size + len(json.dumps(line)) + 2, (kind, fit, size)


def test_a_failed_step_is_reported_with_its_reason():
    run = serials.SerialRun(10_000, 16_125, {"receipt posted": 1.0},
                            {"inventory posting of the receipt": "the inventory outbox holds ... over the limit"})
    table = serial_table([run])
    assert "| inventory posting of the receipt | **failed**: the inventory outbox holds ... over the limit |" in table
    assert "| receipt posted | 1.00 s (0.10 ms/line) |" in table


def test_the_report_names_the_sizes_but_no_path_of_the_machine():
    from tests.benchmarks.__main__ import command_line

    argv = ["--seconds", "5", "--doc", "/somewhere/b.md", "--json=out/f.json", "--serials", "10,20"]
    assert command_line(argv) == "python -m tests.benchmarks --seconds 5 --serials 10,20"

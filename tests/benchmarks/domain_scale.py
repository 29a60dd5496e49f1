"""Z1 domain timings: each use case of the unit-test scale scenarios on one document of N serials (or N lines),
pure domain, no Kafka or PostgreSQL. `python -m tests.benchmarks.domain_scale 100 1000 10000` prints a
Markdown table (seconds per step and microseconds per serial), best of `--repeat` runs of each step.
"""

import argparse
import time

from tests.support import inventory_scale, warehouse_scale

SCENARIOS = {
    "warehouse, one line of N serials": warehouse_scale.serial_document,
    "warehouse, N lines": warehouse_scale.many_lines,
    "inventory, N serials": inventory_scale.serial_document,
    "inventory, N serials, the pick takes other serials than reserved": inventory_scale.other_serials_picked,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print("| scenario | step | N | seconds | µs per serial/line |")
    print("|---|---|---:|---:|---:|")
    for scenario, build in SCENARIOS.items():
        for n in args.sizes:
            for step, run in build(n).items():
                seconds = min(_timed(run) for _ in range(args.repeat))
                print(f"| {scenario} | {step} | {n:,} | {seconds:.3f} | {seconds / n * 1e6:.0f} |", flush=True)


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

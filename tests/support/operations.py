"""Counting what a step does instead of timing it (Z1): a machine's load changes how long a step takes,
not how many calls it makes.

`operations` counts every Python function call (dataclass `__eq__` and `__hash__` included), generator
resumption and call of a builtin that `sys.setprofile` reports while the step runs. A use case that scans
a document's lines or an item's entries once per line makes about n² of them; a linear one about n.
"""

import sys
from collections.abc import Callable
from types import FrameType


def operations(step: Callable[[], object]) -> int:
    count = 0

    def tally(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(tally)
    try:
        step()
    finally:
        sys.setprofile(previous)
    return count


def growth(scenario: Callable[[int], dict[str, Callable[[], object]]], n: int,
           factor: int = 10) -> dict[str, float]:
    """Per step of `scenario`: operations for a document `factor` times larger, divided by those for `n`."""
    small, large = scenario(n), scenario(n * factor)
    return {name: operations(large[name]) / operations(small[name]) for name in small}

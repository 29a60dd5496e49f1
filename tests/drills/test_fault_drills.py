"""Nothing lost, nothing applied twice, while services are killed, the broker and the database restart and
instances come and go (S6, S7, W1, I1): see engine.py for the flows, the faults and every check.

The CI form streams a few hundred commands through one round of every fault (about a minute); `make soak`
streams thousands for `--minutes` with a random fault every 15-40 seconds.
"""

import asyncio
import os
import time

from tests.drills.engine import Drill


def _seed() -> int:
    seed = int(os.environ.get("DRILL_SEED") or time.time())
    print(f"drill seed {seed} (DRILL_SEED={seed} repeats it)")
    return seed


async def _run(drill: Drill, faults, *, min_flows: int, window: int, bad_messages: int) -> None:
    await drill.start()
    try:
        await drill.setup()
        await drill.stream(faults, min_flows=min_flows, window=window, bad_messages=bad_messages)
        await drill.restore()
        problems = await drill.verify()
    finally:
        await drill.restore()
        await drill.stop()
    drill.log(drill.report.summary())
    assert not problems, f"{len(problems)} differences after {drill.report.summary()}:\n" + "\n".join(problems[:30])


async def test_S6_S7_nothing_lost_or_applied_twice_through_kills_restarts_and_rebalances(stack, request):
    drill = Drill(stack.infra, stack.warehouse, stack.inventory, seed=_seed())
    names = drill.available_faults()
    drill.rng.shuffle(names)

    async def one_round_of_every_fault() -> None:
        for name in names:
            await asyncio.sleep(drill.rng.uniform(1.0, 3.0))
            await drill.fault(name)

    await _run(drill, one_round_of_every_fault, min_flows=40, window=12, bad_messages=3)
    assert drill.report.commands >= 300
    assert set(drill.report.faults) == set(names)


async def test_soak_drill(stack, request):
    minutes = request.config.getoption("--minutes", default=10.0)
    drill = Drill(stack.infra, stack.warehouse, stack.inventory, seed=_seed(), give_up_after=900)
    end = time.monotonic() + minutes * 60

    async def random_faults() -> None:
        names = drill.available_faults()
        while time.monotonic() < end:
            await asyncio.sleep(drill.rng.uniform(15, 40))
            if time.monotonic() < end:
                await drill.fault(drill.rng.choice(names))

    await _run(drill, random_faults, min_flows=0, window=24, bad_messages=max(5, int(minutes)))
    assert drill.report.seconds >= minutes * 60

"""`python -m tests.support.crash_after_commit SERVICE`: run a service for a fault drill.

With `FAULT_CRASH_AFTER_COMMIT=<ce_type>` in its environment, the service dies like `kill -9` right
after it has committed a message of that type (with the batch it came in) and before it acknowledges it, to prove that the
redelivery changes nothing twice. The hook lives here, not in the service: production code has none.
"""

import os
import runpy
import sys
from collections.abc import Sequence

from aiokafka.structs import ConsumerRecord

from servicekit import runtime
from servicekit.consumer import MessageProcessor


class CrashAfterCommit(MessageProcessor):
    async def process_batch(self, records: Sequence[ConsumerRecord]) -> None:
        await super().process_batch(records)
        if any(("ce_type", os.environ["FAULT_CRASH_AFTER_COMMIT"].encode()) in (r.headers or ()) for r in records):
            print("fault drill: crashing after commit, before acknowledgement", flush=True)
            os._exit(137)


if __name__ == "__main__":
    runtime.MessageProcessor = CrashAfterCommit  # type: ignore[misc]
    runpy.run_module(sys.argv[1], run_name="__main__")

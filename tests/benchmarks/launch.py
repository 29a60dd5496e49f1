"""What-if launcher for `--consumer-workers N`: runs a service with N Kafka consumers per subscription.

`python -m tests.benchmarks.launch` runs the service named by BENCH_SERVICE after making every
FastStream subscriber default to `max_workers=BENCH_CONSUMER_WORKERS`. With a manual-ack subscriber
FastStream then starts N consumers of the same group in the process (ConcurrentBetweenPartitions):
each owns some partitions and handles them one message at a time, in order, acknowledging after
commit, so the reliability rules are unchanged; only messages of different partitions overlap.
The product does not do this yet (services/servicekit/subscription.py); the benchmark uses it to
measure what that one change would buy. See docs/benchmarks.md.
"""

import os
import runpy

from faststream.kafka import KafkaBroker

_subscriber = KafkaBroker.subscriber


def _with_workers(self, *args, **kwargs):
    kwargs.setdefault("max_workers", int(os.environ.get("BENCH_CONSUMER_WORKERS", "1")))
    return _subscriber(self, *args, **kwargs)


KafkaBroker.subscriber = _with_workers
runpy.run_module(os.environ["BENCH_SERVICE"], run_name="__main__", alter_sys=True)

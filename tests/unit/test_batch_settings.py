"""The consumer settings of batch processing (issue 10, points 3 and 4): defaults, bounds and how they reach
the subscriptions."""

import os

import pytest
from pydantic import ValidationError

from servicekit import settings
from servicekit.settings import Consumption, ServiceSettings


def service_settings(**values) -> ServiceSettings:
    return ServiceSettings(database_url="postgresql://unused", http_port=0, **values)


@pytest.mark.parametrize(("cpus", "workers"), [(None, 2), (1, 2), (2, 2), (4, 4), (64, 6)])
def test_partition_workers_default_to_the_cpu_count_within_2_and_the_6_partitions(monkeypatch, cpus, workers):
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert settings._default_partition_workers() == workers
    assert service_settings().consumer_partition_workers == workers


def test_the_environment_sets_batch_size_wait_and_workers(monkeypatch):
    monkeypatch.setenv("CONSUMER_BATCH_MAX_RECORDS", "1")
    monkeypatch.setenv("CONSUMER_BATCH_WAIT_MS", "5")
    monkeypatch.setenv("CONSUMER_PARTITION_WORKERS", "3")
    monkeypatch.setenv("CONSUMER_BATCH_MAX_BYTES", "4096")
    configured = service_settings(kafka_max_poll_interval_ms=15_000)
    assert configured.consumer_partition_workers == 3
    assert configured.consumption == Consumption(max_poll_interval_ms=15_000, batch_max_records=1, batch_wait_ms=5,
                                                  batch_max_bytes=4096)


@pytest.mark.parametrize("name", ["consumer_batch_max_records", "consumer_batch_wait_ms", "consumer_batch_max_bytes",
                                  "consumer_partition_workers"])
def test_zero_is_refused(name):
    with pytest.raises(ValidationError, match=name):
        service_settings(**{name: 0})

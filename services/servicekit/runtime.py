"""The lifecycle both services share: pool, migrations, broker, outbox relay, operations endpoints.

Each service's composition root (`app.py`) calls `build_app` with its own settings, migrations,
subscriptions and read API. Start order: database, migrations, relay, consumers. Stop order is
the reverse: consumers first (in-flight messages finish), then the relay, then the pool.

HTTP serves from the first second: the start runs in the background, retrying the database and the
broker for as long as they are away, while `/healthz` answers and `/readyz` says `starting`; SIGTERM
cancels it at whatever stage it is.
"""

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from faststream.kafka import KafkaBroker
from opentelemetry.trace import Tracer
from prometheus_client import CONTENT_TYPE_LATEST

from contracts.base import Message
from servicekit import asyncapi, health, kafka_records, tracing
from servicekit.consumer import MessageProcessor, Rejections, Route
from servicekit.database import MigrationChanged, create_pool, migrate_service
from servicekit.http_api import install_error_answers
from servicekit.logs import configure_logging, library_logger
from servicekit.metrics import ServiceMetrics
from servicekit.relay import OutboxRelay, idempotent_producer
from servicekit.retention import prune_forever
from servicekit.security import aiokafka_options, kafka_security, read_token_guard
from servicekit.settings import ServiceSettings
from servicekit.subscription import subscribe

log = structlog.get_logger(__name__)
T = TypeVar("T")
_REPEAT_AFTER = 60.0
_STOP_STEP_SECONDS = 10.0  # an in-flight message cut short is redelivered; the inbox absorbs it


@dataclass
class Runtime:
    """What the use cases and queries of a running service share; stored on `app.state.runtime`."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    broker: KafkaBroker
    relay: OutboxRelay
    metrics: ServiceMetrics
    processors: list[MessageProcessor] = field(default_factory=list)  # one per Kafka consumer, in order
    tracer: Tracer | None = None  # the service's own: each message's span continues its trace
    started: bool = False

    def consume(
        self,
        topic: str,
        group_id: str,
        routes: Sequence[Route[Any, Any]],
        models: Mapping[str, type[Message]],
        rejections: Rejections | None = None,
    ) -> None:
        """Subscribe `group_id` to `topic`; command topics pass `rejections`, fact topics do not. Each of the
        CONSUMER_PARTITION_WORKERS consumers has its own processor (its health is its own)."""
        processors = [MessageProcessor(
            self.pool,
            consumer=group_id,
            routes=routes,
            models=models,
            metrics=self.metrics,
            rejections=rejections,
            ignore_unknown_types=rejections is None,
            hold_for_other_service=self.settings.hold_for_other_service_seconds,
            # Facts of the other service: only from where it publishes them (commands come from anyone).
            accepted_sources=self.settings.fact_sources if rejections is None else frozenset(),
            max_record_bytes=self.settings.kafka_max_request_size,
            tracer=self.tracer,
        ) for _ in range(self.settings.consumer_partition_workers)]
        self.processors.extend(processors)
        intro = (
            f"Commands this service carries out (consumer group `{group_id}`); other types are dead-lettered."
            if rejections else f"Facts this service acts on (consumer group `{group_id}`); other types are skipped."
        )
        subscribe(self.broker, topic, group_id, processors, asyncapi.describe(intro, processors[0].handled_types),
                  self.settings.consumption)
        asyncapi.declare_publications(self.broker, topic, rejections.topic if rejections else None)


Wiring = Callable[[Runtime], None]


async def _with_retries(what: str, attempt: Callable[[], Awaitable[T]]) -> T:
    """At startup, wait for the database and broker to come up; one log line per distinct error a minute.
    An applied migration that changed is no outage: it ends the start (and the process)."""
    backoff, said, said_at = 0.2, "", 0.0
    while True:
        try:
            return await attempt()
        except MigrationChanged:
            raise
        except Exception as error:
            text = _without_secrets(error)
            if text != said or time.monotonic() - said_at > _REPEAT_AFTER:
                log.warning(f"{what} not reachable yet", error=text, retrying="until it answers, up to every 5 s")
                said, said_at = text, time.monotonic()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)


def _without_secrets(error: Exception) -> str:
    """The error's class and message; asyncpg and aiokafka do not put passwords in their messages."""
    return f"{type(error).__name__}: {error}"[:500]


def build_app(
    settings: ServiceSettings,
    service: str,
    migrations: Path,
    subscribe: Wiring,
    api: APIRouter,
) -> FastAPI:
    configure_logging(settings.log_level, service)
    kafka_records.install()
    log.info("service starting", settings=settings.for_logs())
    lifecycle = _Lifecycle(settings, service, migrations, subscribe)
    app = FastAPI(title=f"{service} service", lifespan=lifecycle.lifespan)
    app.state.broker = lifecycle.broker
    install_error_answers(app)
    app.include_router(_operations_router(service, lifecycle.broker, lifecycle.metrics))
    app.include_router(asyncapi.page_router())
    # /healthz, /readyz, /metrics, /asyncapi.json and /asyncapi stay open for probes, scrapers and integrators.
    app.include_router(api, dependencies=read_token_guard(settings))
    return app


class _Lifecycle:
    """Starts the parts in the background (HTTP answers meanwhile), stops what started in reverse order."""

    def __init__(self, settings: ServiceSettings, service: str, migrations: Path, subscribe: Wiring) -> None:
        self.settings, self.service, self.migrations, self.subscribe = settings, service, migrations, subscribe
        self.spans = tracing.tracer_provider(service, settings)
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers, client_id=f"{service}-{settings.instance_id}", graceful_timeout=15.0,
            security=kafka_security(settings), middlewares=[tracing.middleware(self.spans)],
            logger=library_logger("slt.faststream"),
        )
        self.metrics = ServiceMetrics()
        self.resources: list[Callable[[], Awaitable[Any]]] = []  # how to stop what has started, in start order

    async def start(self, app: FastAPI) -> None:
        settings, service, dsn = self.settings, self.service, self.settings.database_dsn()
        pool = await _with_retries("database", lambda: create_pool(dsn, settings.db_pool_max_size))
        self.resources.append(pool.close)
        await _with_retries("database migrations", lambda: migrate_service(pool, service, self.migrations))
        producer = relay_producer(service, settings)
        self.resources.append(producer.stop)
        await _with_retries("kafka", producer.start)
        relay = OutboxRelay(dsn, producer, settings.outbox_poll_interval_seconds, settings.outbox_batch_size,
                            self.metrics, new_producer=lambda: relay_producer(service, settings))
        self.resources.append(lambda: relay.producer.stop())  # the relay may have replaced the first one
        runtime = Runtime(settings, pool, self.broker, relay, self.metrics, tracer=self.spans.get_tracer(service))
        app.state.runtime = runtime
        self.metrics.watch_outbox(pool)
        self.metrics.watch_consumer_lag(self.broker)
        self.subscribe(runtime)
        await relay.start()
        self.resources.append(relay.stop)
        pruning = asyncio.create_task(prune_forever(pool, settings.inbox_retention_days), name="inbox-pruning")
        self.resources.append(lambda: _cancel(pruning))
        self.resources.append(self.broker.stop)
        await _with_retries("kafka consumers", self.broker.start)
        runtime.started = True
        log.info("service started", http=f"http://{settings.http_host}:{settings.http_port}")

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        starting = asyncio.create_task(self.start(app), name="service-start")
        starting.add_done_callback(_exit_when_start_failed)
        try:
            yield
        finally:
            await _cancel(starting)
            await self.stop()

    async def stop(self) -> None:
        for stop in reversed(self.resources):  # each step bounded: Kafka or PostgreSQL away must not hang it
            try:
                await asyncio.wait_for(stop(), _STOP_STEP_SECONDS)
            except Exception as error:
                log.warning("stopping failed", step=getattr(stop, "__qualname__", "?"), error=repr(error))
        self.spans.shutdown()  # exports the spans still buffered
        log.info("service stopped")


def _exit_when_start_failed(task: asyncio.Task) -> None:
    """A start that cannot succeed stops the process (as SIGTERM does), so the orchestrator sees it exit."""
    if not task.cancelled() and task.exception() is not None:
        log.error("service cannot start", error=_without_secrets(cast(Exception, task.exception())))
        os.kill(os.getpid(), signal.SIGTERM)


async def _cancel(task: asyncio.Task) -> None:
    """Cancel and wait; how it ended was logged where it matters (`_exit_when_start_failed`)."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def relay_producer(service: str, settings: ServiceSettings) -> AIOKafkaProducer:
    """The outbox relay's producer connects like the broker: same SASL and TLS settings."""
    return idempotent_producer(settings.kafka_bootstrap_servers, f"{service}-relay-{settings.instance_id}",
                               settings.kafka_max_request_size, **aiokafka_options(settings))


def _operations_router(service: str, broker: KafkaBroker, metrics: ServiceMetrics) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok", "service": service}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        """503 with the failing checks named, while starting and whenever one fails (servicekit.health)."""
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        if runtime is None or not runtime.started:
            return JSONResponse({"ready": False, "starting": True}, status_code=503)
        answer = await _readiness(runtime)
        return JSONResponse(answer, status_code=200 if answer["ready"] else 503)

    @router.get("/asyncapi.json")
    async def asyncapi_document() -> JSONResponse:
        """Complete once the service has started: the subscriptions are wired at start."""
        return JSONResponse(asyncapi.document(broker, service))

    @router.get("/metrics")
    async def prometheus_metrics() -> Response:
        return Response(await metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _readiness(runtime: Runtime) -> dict[str, Any]:
    settings = runtime.settings
    stuck = await health.stuck_subscriptions(runtime.broker, runtime.processors, settings.ready_stuck_seconds)
    checks = {
        "database": await health.database_answers(runtime.pool),
        "kafka": await runtime.broker.ping(timeout=2),
        "subscriptions": not stuck,
        "relay": await health.relay_keeps_up(runtime.pool, settings.ready_outbox_max_age_seconds),
    }
    return {"ready": all(checks.values()), **checks, "stuck": stuck}

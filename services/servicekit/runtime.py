"""The lifecycle both services share: pool, migrations, broker, outbox relay, operations endpoints.

Each service's composition root (`app.py`) calls `build_app` with its own settings, migrations,
subscriptions and read API. Start order: database, migrations, relay, consumers. Stop order is
the reverse: consumers first (in-flight messages finish), then the relay, then the pool.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST

from contracts.base import Message
from servicekit import asyncapi, tracing
from servicekit.consumer import MessageProcessor, Rejections, Route
from servicekit.database import create_pool, migrate_service
from servicekit.logs import configure_logging, library_logger
from servicekit.metrics import ServiceMetrics
from servicekit.relay import OutboxRelay, idempotent_producer
from servicekit.security import aiokafka_options, kafka_security, read_token_guard
from servicekit.settings import ServiceSettings
from servicekit.subscription import subscribe

log = structlog.get_logger(__name__)


@dataclass
class Runtime:
    """What the use cases and queries of a running service share; stored on `app.state.runtime`."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    broker: KafkaBroker
    relay: OutboxRelay
    metrics: ServiceMetrics

    def consume(
        self,
        topic: str,
        group_id: str,
        routes: Sequence[Route[Any, Any]],
        models: Mapping[str, type[Message]],
        rejections: Rejections | None = None,
    ) -> None:
        """Subscribe `group_id` to `topic`; command topics pass `rejections`, fact topics do not."""
        processor = MessageProcessor(
            self.pool,
            consumer=group_id,
            routes=routes,
            models=models,
            metrics=self.metrics,
            rejections=rejections,
            ignore_unknown_types=rejections is None,
            hold_for_other_service=self.settings.hold_for_other_service_seconds,
        )
        intro = (
            f"Commands this service carries out (consumer group `{group_id}`); other types are dead-lettered."
            if rejections else f"Facts this service acts on (consumer group `{group_id}`); other types are skipped."
        )
        subscribe(self.broker, topic, group_id, processor, asyncapi.describe(intro, processor.handled_types))
        asyncapi.declare_publications(self.broker, topic, rejections.topic if rejections else None)


Wiring = Callable[[Runtime], None]


async def _with_retries(what: str, attempt: Callable) -> object:
    backoff = 0.2
    while True:
        try:
            return await attempt()
        except Exception as error:  # at startup, wait for the database and broker to come up
            log.warning(f"{what} not reachable yet", error=repr(error), retry_in=backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)


def build_app(
    settings: ServiceSettings,
    service: str,
    migrations: Path,
    subscribe: Wiring,
    api: APIRouter,
) -> FastAPI:
    configure_logging(settings.log_level, service)
    log.info("service starting", settings=settings.for_logs())
    spans = tracing.tracer_provider(service, settings)
    broker = KafkaBroker(
        settings.kafka_bootstrap_servers, client_id=f"{service}-{settings.instance_id}", graceful_timeout=15.0,
        security=kafka_security(settings), middlewares=[tracing.middleware(spans)],
        logger=library_logger("slt.faststream"),
    )
    metrics = ServiceMetrics()
    dsn = settings.database_dsn()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await _with_retries("database", lambda: create_pool(dsn, settings.db_pool_max_size))
        await migrate_service(pool, service, migrations)
        producer = relay_producer(service, settings)
        await _with_retries("kafka", producer.start)
        relay = OutboxRelay(dsn, producer, settings.outbox_poll_interval_seconds, settings.outbox_batch_size)
        runtime = Runtime(settings, pool, broker, relay, metrics)
        app.state.runtime = runtime
        metrics.watch_outbox(pool)
        metrics.watch_consumer_lag(broker)
        subscribe(runtime)
        await relay.start()
        await _with_retries("kafka consumers", broker.start)
        log.info("service started", http=f"http://{settings.http_host}:{settings.http_port}")
        try:
            yield
        finally:
            await broker.stop()
            await relay.stop()
            await producer.stop()
            await pool.close()
            spans.shutdown()  # exports the spans still buffered
            log.info("service stopped")

    app = FastAPI(title=f"{service} service", lifespan=lifespan)
    app.state.broker = broker
    app.include_router(_operations_router(service, broker, metrics))
    app.include_router(asyncapi.page_router())
    # /healthz, /readyz, /metrics, /asyncapi.json and /asyncapi stay open for probes, scrapers and integrators.
    app.include_router(api, dependencies=read_token_guard(settings))
    return app


def relay_producer(service: str, settings: ServiceSettings) -> AIOKafkaProducer:
    """The outbox relay's producer connects like the broker: same SASL and TLS settings."""
    return idempotent_producer(settings.kafka_bootstrap_servers, f"{service}-relay-{settings.instance_id}",
                               **aiokafka_options(settings))


def _operations_router(service: str, broker: KafkaBroker, metrics: ServiceMetrics) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok", "service": service}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        checks = {"database": False, "kafka": False}
        if runtime is not None:
            try:
                checks["database"] = await runtime.pool.fetchval("SELECT 1", timeout=2) == 1
            except Exception:
                pass
            checks["kafka"] = await runtime.broker.ping(timeout=2)
        ready = all(checks.values())
        return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)

    @router.get("/asyncapi.json")
    async def asyncapi_document() -> JSONResponse:
        """Complete once the service has started: the subscriptions are wired at start."""
        return JSONResponse(asyncapi.document(broker, service))

    @router.get("/metrics")
    async def prometheus_metrics() -> Response:
        return Response(await metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router

"""Structured JSON logs, one object per line, for our own events and for every library's.

Correlation and causation ids are bound per message by the consumer; trace and span ids come from
the current OpenTelemetry span, so a log line leads to its trace. Records of uvicorn, FastStream and
aiokafka (standard `logging`) go through the same processors, so an operator's log shipper sees
only JSON, each line with the message context it was written in.
"""

import logging
import time
from typing import Any

import structlog
from opentelemetry import trace


def _add_trace_ids(_, __, event: dict) -> dict:
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


class RepeatLimit(logging.Filter):
    """A library's warnings and errors (aiokafka's reconnects, FastStream's consumer restarts) come at most
    once per `window` seconds per logger and message; the next one that passes says how many were held back.
    With Kafka away that turns ~100 lines a second into one a minute per distinct line."""

    LIBRARIES = ("aiokafka", "slt.faststream", "kafka", "asyncio")

    def __init__(self, window: float = 60.0) -> None:
        super().__init__()
        self._window = window
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not record.name.startswith(self.LIBRARIES):
            return True
        key = (record.name, str(record.msg)[:200])
        now = time.monotonic()
        last, held = self._seen.get(key, (0.0, 0))
        if now - last < self._window:
            self._seen[key] = (last, held + 1)
            return False
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self._window:.0f}s)"
        return True


def configure_logging(level: str, service: str) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_ids,
        lambda _, __, event: {"service": service, **event},
    ]
    handler = logging.StreamHandler()
    handler.addFilter(RepeatLimit())
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


def library_logger(name: str) -> logging.Logger:
    """A logger for a library that would otherwise log through its own plain-text handler (FastStream's
    `faststream` logger has one): a name of ours propagates to the JSON handler instead."""
    return logging.getLogger(name)

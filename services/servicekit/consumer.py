"""Turns one consumed Kafka record into exactly one committed effect.

Outcomes, each committed with the inbox row in one transaction before the offset is acknowledged:
- applied: the use case's state change and outbox rows;
- refused: a business refusal (domain error) becomes a `...command.rejected.v1` event;
- dead-lettered: undecodable, schema-invalid or unknown messages, facts from a source this consumer
  does not accept, and facts reusing the id of another message are copied to `<topic>.dlq` with the
  original record kept losslessly plus the reason (servicekit.dead_letters), and the consumer moves on;
- quarantined: the dead letter itself could not be written; the record's position is recorded in
  `consumer_quarantine` and the consumer moves on (never retried forever);
- duplicate: the inbox already holds the message (same consumer, ce_source, ce_id and payload hash);
  ignored: a fact this consumer has no use for.
A reused ce_id with another payload is refused with `duplicate_message_id` (a command) or dead-lettered
(a fact). Each outcome is counted, with its handling time, once the transaction has committed.
Infrastructure errors (database or broker away) are retried with backoff for as long as it
takes; an unexpected error in a use case is retried a few times, then dead-lettered, so one
poison message never blocks a partition.
"""

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import asyncpg
import structlog
from aiokafka.structs import ConsumerRecord
from opentelemetry import propagate, trace
from pydantic import ValidationError

from contracts.base import Message, Rejection
from contracts.envelope import Envelope
from servicekit import dead_letters, locks
from servicekit.metrics import ServiceMetrics
from servicekit.outbox import MAX_RECORD_BYTES, MessageTooLarge
from servicekit.quarantine import quarantine_record
from servicekit.unit_of_work import Claim, UnitOfWork

log = structlog.get_logger(__name__)

ContractT = TypeVar("ContractT", bound=Message)
CommandT = TypeVar("CommandT")

Handler = Callable[[UnitOfWork, CommandT, Envelope], Awaitable[None]]
"""A use case: runs inside the unit of work the consumer opened, on the domain's command for one message."""


@dataclass(frozen=True)
class Route(Generic[ContractT, CommandT]):
    """One row of a subscriber table: the contract a topic carries, the translator that turns it into the
    domain's command, and the use case that handles the command."""

    contract: type[ContractT]
    translate: Callable[[ContractT], CommandT]
    handle: Handler[CommandT]

    async def apply(self, uow: UnitOfWork, payload: ContractT, envelope: Envelope) -> None:
        await self.handle(uow, self.translate(payload), envelope)

INFRASTRUCTURE_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.OperatorInterventionError,  # the server shuts down (57P01 admin, crash) or is starting up
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)
_MAX_BACKOFF = 10.0
_POISON_ATTEMPTS = 3
_HOLD_POLL = 0.2


class AwaitingOtherService(Exception):
    """A command names something the other service owns and has not told this one about yet (an item
    registered a moment ago): the command is held, rolled back and tried again, until its time is up."""


class DeadLetter(Exception):
    """The message cannot be understood; `reason` says why in a sentence, `kind` names the reason
    for metrics (invalid_headers, unknown_type, invalid_payload, processing_failed)."""

    def __init__(self, reason: str, kind: str, message_type: str = "unknown") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.message_type = message_type


class DuplicateMessageId(Exception):
    """A command reuses the ce_id of another message from the same source."""

    reason_code = "duplicate_message_id"

    def __init__(self, envelope: Envelope) -> None:
        super().__init__(f"ce_id {envelope.id!r} from {envelope.source!r} was already used for another message; "
                         "give every message its own id (a new UUID), also when you send a corrected command")


def _nothing_explains(refusal: Exception, envelope: Envelope) -> Iterable[Message]:
    return ()


@dataclass(frozen=True)
class Rejections:
    """Where and how a service publishes its refusals of commands.

    `explain` turns the facts a refusal carries (its `explanations`, e.g. a rejected reservation with its
    numbers) into the messages published before the generic rejection."""

    topic: str
    model: type[Rejection]
    source: str
    refusal_types: tuple[type[Exception], ...]
    explain: Callable[[Exception, Envelope], Iterable[Message]] = _nothing_explains


class MessageProcessor:
    def __init__(
        self,
        pool: asyncpg.Pool,
        consumer: str,
        routes: Sequence[Route[Any, Any]],
        models: Mapping[str, type[Message]],
        metrics: ServiceMetrics,
        rejections: Rejections | None = None,
        ignore_unknown_types: bool = False,
        accepted_sources: frozenset[str] = frozenset(),
        max_record_bytes: int = MAX_RECORD_BYTES,
        hold_for_other_service: float = 0.0,
        tracer: trace.Tracer | None = None,
    ) -> None:
        """`models` maps every `ce_type` the topic may carry; `routes` those this consumer acts on.

        Command topics dead-letter unknown types; fact topics (`ignore_unknown_types`) skip the
        facts this consumer has no interest in, as tolerant readers do. A command refused with an
        error that `awaits_other_service` is held for up to `hold_for_other_service` seconds first.
        `accepted_sources`, when not empty, are the only `ce_source` values whose messages are applied
        (provenance of facts). `max_record_bytes` is the producer's max_request_size: dead letters are cut
        to fit it. (Long only by its parameters and the attributes they become.)
        """
        self._pool = pool
        self._consumer = consumer
        self._routes = {route.contract: route for route in routes}
        self._models = models
        self._metrics = metrics
        self._rejections = rejections
        self._ignore_unknown = ignore_unknown_types
        self._hold = hold_for_other_service
        self._accepted_sources = accepted_sources
        self._max_record_bytes = max_record_bytes
        self._tracer = tracer or trace.get_tracer(__name__)
        self.busy_since: float | None = None  # monotonic time the messages in hand were taken (health)
        self.last_done = time.monotonic()

    @property
    def handled_types(self) -> tuple[type[Message], ...]:
        return tuple(self._routes)

    async def process(self, record: ConsumerRecord) -> None:
        await self.process_batch((record,))

    async def process_batch(self, records: Sequence[ConsumerRecord]) -> None:
        """What Kafka delivered, in one transaction; when that cannot be (a dead letter, a command held, an
        unexpected error), one message per transaction, as it comes."""
        structlog.contextvars.clear_contextvars()
        started = time.perf_counter()
        self.busy_since = time.monotonic()
        try:
            if len(records) > 1 and await self._applied_together(records, started):
                return
            for record in records:
                structlog.contextvars.clear_contextvars()
                with self.traced(record):
                    await self._process(record, time.perf_counter())
        finally:
            self.busy_since, self.last_done = None, time.monotonic()

    async def _applied_together(self, records: Sequence[ConsumerRecord], started: float) -> bool:
        """Apply the records in one transaction and count their outcomes once it has committed. First without
        savepoints (two round trips per command saved); if a command is refused, the batch is rolled back and
        applied again with each command in its own savepoint, so that the refusal loses only its own writes.
        False, with nothing done, when one of them needs a transaction of its own."""
        try:
            taken = [_Taken(record, *self._decode(record)) for record in records]
            try:
                outcomes = await self._apply_batch(taken, savepoints=False)
            except _Refused:
                outcomes = await self._apply_batch(taken, savepoints=True)
        except Exception as error:  # a dead letter, a hold, a reused id, an unexpected or infrastructure error
            structlog.contextvars.clear_contextvars()
            expected = isinstance(error, (DeadLetter, AwaitingOtherService, _FallBack, locks.LockOutOfOrder))
            (log.info if expected else log.warning)("batch falls back to one message per transaction",
                                                    records=len(records), reason=repr(error))
            self._metrics.batches.labels(self._consumer, "one_by_one", type(error).__name__).inc()
            return False
        self._metrics.batches.labels(self._consumer, "together", "").inc()
        for message, (outcome, reason_code) in zip(taken, outcomes, strict=True):
            if reason_code:
                self._metrics.refusals.labels(self._consumer, message.envelope.type, reason_code).inc()
            self._count(self._type_label(message.envelope.type), outcome, started)
        return True

    async def _apply_batch(self, taken: list["_Taken"], savepoints: bool) -> list[tuple[str, str]]:
        """Per message, its outcome and reason code; the ignored facts cost no statement. Without `savepoints`,
        a refused command raises `_Refused`."""
        routed = [message for message in taken if message.payload is not None]
        if not routed:
            return [("ignored", "")] * len(taken)
        outcomes: dict[int, tuple[str, str]] = {}
        async with UnitOfWork(self._pool, self._max_record_bytes) as uow:
            for message, claim in zip(routed, await self._claim_batch(uow, routed), strict=True):
                if claim is Claim.SEEN:
                    outcomes[id(message)] = ("duplicate", "")
                    continue
                locks.begin_message()
                with self.traced(message.record):
                    _bind_log_context(message.envelope)
                    reason_code = await self.run(uow, message.envelope, cast(Message, message.payload),
                                                 time.perf_counter(), savepoint=savepoints)
                    structlog.contextvars.clear_contextvars()
                outcomes[id(message)] = ("refused" if reason_code else "applied", reason_code)
            await uow.commit()
        return [outcomes.get(id(message), ("ignored", "")) for message in taken]

    async def _claim_batch(self, uow: UnitOfWork, routed: list["_Taken"]) -> list[Claim]:
        """One statement claims the batch; a message that repeats an earlier one of the batch is SEEN."""
        first: dict[tuple[str, str], _Taken] = {}
        for message in routed:
            earlier = first.setdefault((message.envelope.source, message.envelope.id), message)
            if earlier is not message and earlier.payload_hash != message.payload_hash:
                raise _FallBack("a message of the batch reuses the id of another")
        claims = dict(zip(first, await uow.claim_all(
            self._consumer, [(m.envelope, m.payload_hash) for m in first.values()]), strict=True))
        if None in claims.values() or Claim.REUSED_ID in claims.values():
            raise _FallBack("the inbox holds a message id this batch cannot settle in one statement")
        return [Claim.SEEN if first[key := (m.envelope.source, m.envelope.id)] is not m else cast(Claim, claims[key])
                for m in routed]

    @contextmanager
    def traced(self, record: ConsumerRecord) -> Iterator[None]:
        """A span per message, continuing the trace its `traceparent` header names: the facts it causes carry
        it on (FastStream's own span covers the whole batch and starts a trace of its own)."""
        carrier = {key: (value or b"").decode(errors="replace") for key, value in record.headers}
        with self._tracer.start_as_current_span(f"{record.topic} process message", context=propagate.extract(carrier),
                                                kind=trace.SpanKind.CONSUMER, attributes={
                                                    "messaging.kafka.destination.partition": record.partition,
                                                    "messaging.kafka.message.offset": record.offset}):
            yield

    async def _process(self, record: ConsumerRecord, started: float) -> None:
        try:
            envelope, payload = self._decode(record)
        except DeadLetter as letter:
            await self._send_to_dead_letters(record, letter, started)
            return
        if payload is None:
            self._count(self._type_label(envelope.type), "ignored", started)
            return
        _bind_log_context(envelope)
        outcome = await self._until_done(lambda: self._apply(record, envelope, payload, started), record)
        if outcome == "reused_id":  # a fact: nobody to refuse it to
            reused = DeadLetter(str(DuplicateMessageId(envelope)), "duplicate_message_id", envelope.type)
            await self._send_to_dead_letters(record, reused, started)
            return
        self._count(envelope.type, outcome, started)

    async def _send_to_dead_letters(self, record: ConsumerRecord, letter: DeadLetter, started: float) -> None:
        log.warning("dead-lettering message", topic=record.topic, partition=record.partition, offset=record.offset,
                    reason=letter.reason, reason_code=letter.kind)
        outcome = await self._until_done(functools.partial(self._dead_letter_or_quarantine, record, letter))
        self._count(letter.message_type, outcome, started)

    def _type_label(self, ce_type: str) -> str:
        """Only the types this topic carries become label values: a hostile header cannot flood the metrics."""
        return ce_type if ce_type in self._models else "unknown"

    def _count(self, message_type: str, outcome: str, started: float) -> None:
        self._metrics.processed.labels(self._consumer, message_type, outcome).inc()
        self._metrics.handling_seconds.labels(self._consumer, message_type).observe(time.perf_counter() - started)

    def _decode(self, record: ConsumerRecord) -> tuple[Envelope, Message | None]:
        try:
            envelope = Envelope.from_headers(dead_letters.read_headers(record))
        except (ValueError, ValidationError) as error:
            raise DeadLetter(f"invalid CloudEvents headers: {error}", "invalid_headers") from error
        if self._accepted_sources and envelope.source not in self._accepted_sources:
            raise DeadLetter(f"ce_source {envelope.source!r} is not one this consumer accepts "
                             f"({', '.join(sorted(self._accepted_sources))})", "unaccepted_source",
                             self._type_label(envelope.type))
        model = self._models.get(envelope.type)
        if model is None or model not in self._routes:
            if self._ignore_unknown:
                return envelope, None
            raise DeadLetter(f"unknown message type {envelope.type!r} on {record.topic}", "unknown_type",
                             self._type_label(envelope.type))
        try:
            return envelope, model.model_validate_json(record.value or b"")
        except ValidationError as error:
            raise DeadLetter(f"{envelope.type} does not match its schema: {_short(error)}", "invalid_payload",
                             envelope.type) from error

    async def _apply(self, record: ConsumerRecord, envelope: Envelope, payload: Message, received: float) -> str:
        """Returns the outcome: applied, refused, duplicate, or reused_id (a fact reusing another's id)."""
        async with UnitOfWork(self._pool, self._max_record_bytes) as uow:
            claim = await uow.claim(self._consumer, envelope, dead_letters.payload_hash(envelope.type, record.value))
            if claim is Claim.SEEN:
                log.info("duplicate message ignored")
                return "duplicate"
            if claim is Claim.REUSED_ID:
                return await self._refuse_reused_id(uow, record, envelope)
            reason_code = await self.run(uow, envelope, payload, received)
            await uow.commit()
        if reason_code:
            self._metrics.refusals.labels(self._consumer, envelope.type, reason_code).inc()
            return "refused"
        return "applied"

    async def run(self, uow: UnitOfWork, envelope: Envelope, payload: Message, received: float,
                  savepoint: bool = True) -> str:
        """The message's use case in `uow`; a refused command keeps nothing it wrote or queued and answers
        with its rejection. Returns the refusal's reason code, '' when applied. Without `savepoint`, a refusal
        raises `_Refused` instead: the caller rolls back and runs the message again with one."""
        route = self._routes[type(payload)]
        if self._rejections is None:  # a fact cannot be refused: any error rolls back the whole transaction
            await route.apply(uow, payload, envelope)
            return ""
        # A fact too large to publish refuses the command that would make it (it can be split).
        refusals: tuple[type[Exception], ...] = (*self._rejections.refusal_types, MessageTooLarge)
        if not savepoint:
            try:
                await route.apply(uow, payload, envelope)
            except refusals as refusal:
                raise _Refused() from refusal
            return ""
        try:
            async with uow.savepoint():
                await route.apply(uow, payload, envelope)
        except refusals as refusal:
            if getattr(refusal, "awaits_other_service", False) and time.perf_counter() - received < self._hold:
                raise AwaitingOtherService(str(refusal)) from refusal  # rolls back the inbox row too
            return self._reject(uow, envelope, refusal)
        return ""

    def _reject(self, uow: UnitOfWork, envelope: Envelope, refusal: Exception) -> str:
        """Queue the facts that explain the refusal, then the rejection event; returns its reason code."""
        assert self._rejections is not None
        reason_code = getattr(refusal, "reason_code", "refused")
        log.info("command refused", reason_code=reason_code, reason=str(refusal))
        for fact in self._rejections.explain(refusal, envelope):
            uow.outbox.publish(self._rejections.topic, fact,
                               envelope.caused(fact.TYPE, self._rejections.source, subject=fact.kafka_key()))
        rejected = self._rejections.model(
            command_id=envelope.id,
            command_type=envelope.type,
            correlation_id=envelope.correlation_id,
            reason_code=reason_code,
            message=str(refusal),
            details={k: str(v) for k, v in getattr(refusal, "details", {}).items()},
        )
        uow.outbox.publish(
            self._rejections.topic,
            rejected,
            envelope.caused(rejected.TYPE, self._rejections.source, subject=envelope.subject),
        )
        return reason_code

    async def _refuse_reused_id(self, uow: UnitOfWork, record: ConsumerRecord, envelope: Envelope) -> str:
        """A command is refused with duplicate_message_id, once per record; a fact goes to the dead letters."""
        if self._rejections is None:
            return "reused_id"
        if not await uow.claim_record(self._consumer, record, "refused"):
            return "duplicate"
        reason_code = self._reject(uow, envelope, DuplicateMessageId(envelope))
        await uow.commit()
        self._metrics.refusals.labels(self._consumer, envelope.type, reason_code).inc()
        return "refused"

    async def _dead_letter_or_quarantine(self, record: ConsumerRecord, letter: DeadLetter) -> str:
        """A dead letter that cannot be written (anything but the database being away) is quarantined."""
        try:
            return await self._dead_letter(record, letter)
        except INFRASTRUCTURE_ERRORS:
            raise
        except Exception as error:
            log.error("record quarantined: its dead letter cannot be written", topic=record.topic,
                      partition=record.partition, offset=record.offset, error=repr(error))
            await quarantine_record(self._pool, self._consumer, record, letter.reason, repr(error))
            self._metrics.consumer_quarantined.labels(self._consumer, record.topic).inc()
            return "quarantined"

    async def _dead_letter(self, record: ConsumerRecord, letter: DeadLetter) -> str:
        """Returns the outcome: dead_lettered, or duplicate when a previous attempt already did it.
        The dead letter is counted when the relay publishes it (slt_dead_letters_total)."""
        async with UnitOfWork(self._pool, self._max_record_bytes) as uow:
            claimed = await uow.claim_record(self._consumer, record, "dead_lettered")
            if claimed:
                uow.outbox.forward(dead_letters.dead_letter_record(
                    record, self._consumer, letter.reason, letter.kind, self._max_record_bytes))
            await uow.commit()
        return "dead_lettered" if claimed else "duplicate"

    async def _until_done(
        self, attempt: Callable[[], Awaitable[str]], record: ConsumerRecord | None = None
    ) -> str:
        """Retry infrastructure errors forever with backoff; dead-letter a poison message. Returns the outcome."""
        backoff, failures = 0.1, 0
        while True:
            try:
                return await attempt()
            except AwaitingOtherService as waiting:
                log.info("command held until the other service's fact arrives", reason=str(waiting))
                await asyncio.sleep(_HOLD_POLL)
                continue
            except INFRASTRUCTURE_ERRORS as error:
                log.warning("infrastructure error, retrying", error=repr(error), retry_in=backoff)
            except Exception as error:
                failures += 1
                log.exception("message failed", attempt=failures)
                if record is None and failures >= _POISON_ATTEMPTS:  # even the quarantine failed: log, count, go on
                    log.error("record skipped: neither dead letter nor quarantine could be written")
                    return "skipped"
                if record is not None and failures >= _POISON_ATTEMPTS:
                    letter = DeadLetter(f"processing failed: {error!r}", "processing_failed")
                    # Bound now: `error` and `record` do not outlive this block.
                    attempt, record = functools.partial(self._dead_letter_or_quarantine, record, letter), None
                    failures = 0
                    continue
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, _MAX_BACKOFF)


def _bind_log_context(envelope: Envelope) -> None:
    structlog.contextvars.bind_contextvars(correlation_id=envelope.correlation_id, causation_id=envelope.causation_id,
                                           message_id=envelope.id, message_type=envelope.type)


class _FallBack(Exception):
    """The batch cannot be applied in one transaction: its messages are processed one at a time."""


class _Refused(Exception):
    """A command of a batch applied without savepoints was refused: apply the batch again with them."""


@dataclass(frozen=True)
class _Taken:
    """A record of a batch, decoded; `payload` is None for a fact this consumer ignores."""

    record: ConsumerRecord
    envelope: Envelope
    payload: Message | None

    @functools.cached_property
    def payload_hash(self) -> bytes:
        return dead_letters.payload_hash(self.envelope.type, self.record.value)


def _short(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()[:5]
    )

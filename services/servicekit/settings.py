"""Settings shared by both services; each service subclasses with its own defaults.

Read once, in the composition root, from the environment (or secret files under
`SECRETS_DIR`, e.g. `/run/secrets/database_url`), never at import time. Every secret is a
`SecretStr`: it prints as `**********` in reprs, logs and `model_dump(mode="json")`.
"""

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

KafkaSecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
KafkaSaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]


def _default_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass(frozen=True)
class Consumption:
    """How a subscription takes its records from Kafka (`ServiceSettings.consumption`)."""

    max_poll_interval_ms: int = 300_000
    batch_max_records: int = 200
    batch_wait_ms: int = 25
    batch_max_bytes: int = 131_072


def _default_partition_workers() -> int:
    return max(2, min(os.cpu_count() or 1, 6))


def _secrets_dir() -> str | None:
    return os.environ.get("SECRETS_DIR") or None


class KafkaClientSettings(BaseSettings):
    """How any client of this system reaches Kafka: the services, the `slt` CLI and the console."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    kafka_security_protocol: KafkaSecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: KafkaSaslMechanism = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr = SecretStr("")
    kafka_ssl_ca_file: Path | None = Field(default=None, description="PEM file of the CA that signed the brokers")
    kafka_ssl_cert_file: Path | None = Field(default=None, description="client certificate (mutual TLS)")
    kafka_ssl_key_file: Path | None = None
    kafka_ssl_key_password: SecretStr | None = None

    def __init__(self, **values: Any) -> None:
        # SECRETS_DIR is read when the settings are, not when this module was imported.
        super().__init__(_secrets_dir=_secrets_dir(), **values)

    @model_validator(mode="after")
    def _complete_security(self) -> "KafkaClientSettings":
        """Refuse to start half configured: a SASL protocol without credentials, a TLS file that is not there."""
        if self.kafka_security_protocol.startswith("SASL_") and not (
            self.kafka_sasl_username and self.kafka_sasl_password.get_secret_value()
        ):
            raise ValueError(f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs KAFKA_SASL_USERNAME "
                             "and KAFKA_SASL_PASSWORD")
        for name in ("kafka_ssl_ca_file", "kafka_ssl_cert_file", "kafka_ssl_key_file"):
            path = getattr(self, name)
            if path is not None and not path.is_file():
                raise ValueError(f"{name.upper()}={path} is not a readable file")
        return self

    @property
    def kafka_uses_tls(self) -> bool:
        return self.kafka_security_protocol in ("SSL", "SASL_SSL")


class ServiceSettings(KafkaClientSettings):
    database_url: SecretStr = Field(description="the service's own database; may hold the password")
    database_password: SecretStr | None = Field(
        default=None, description="overrides the password of DATABASE_URL (a secret file next to a plain URL)")
    http_host: str = "127.0.0.1"
    http_port: int
    read_api_token: SecretStr | None = Field(
        default=None, description="when set, the read API answers only requests with `Authorization: Bearer <token>`")
    instance_id: str = Field(default_factory=_default_instance_id)
    log_level: str = "INFO"
    db_pool_max_size: int = 10
    outbox_poll_interval_seconds: float = 1.0
    outbox_batch_size: int = 500
    kafka_max_request_size: int = Field(default=1_048_576, gt=0, description=(
        "the relay producer's max_request_size: larger outbox rows are refused when written; keep the "
        "broker's message.max.bytes (and the topics' max.message.bytes) above it"))
    kafka_max_poll_interval_ms: int = Field(default=300_000, gt=0, description=(
        "how long one message may take (retries while the database is away included) before the consumer "
        "leaves its group; it rejoins and the message is delivered again, which the inbox makes harmless"))
    consumer_batch_max_records: int = Field(default=200, gt=0, description=(
        "at most this many records of what one fetch delivers are applied in one transaction with one offset "
        "commit; 1 gives one message per transaction"))
    consumer_batch_max_bytes: int = Field(default=131_072, gt=0, description=(
        "at most about this many bytes of one partition per fetch (the consumer's max_partition_fetch_bytes; a "
        "larger record still comes, alone): big messages make small batches, so a batch stays well within "
        "KAFKA_MAX_POLL_INTERVAL_MS"))
    consumer_batch_wait_ms: int = Field(default=25, gt=0, description=(
        "how long an idle consumer waits for records before it asks again (and pauses as long after an empty "
        "fetch): the most a message that arrives at an idle subscription waits"))
    consumer_partition_workers: int = Field(default_factory=_default_partition_workers, gt=0, description=(
        "Kafka consumers per subscription in this process, each with its own partitions, processed "
        "concurrently; default: the machine's CPU count, at least 2, at most the 6 partitions of a topic"))
    accepted_fact_sources: str = Field(default="", description=(
        "comma-separated ce_source values whose facts this service applies; facts from others are dead-lettered"))
    inbox_retention_days: float = Field(default=14.0, gt=0, description=(
        "how long the inbox remembers a message id; longer than the topics keep messages (7 days)"))
    ready_stuck_seconds: float = Field(default=60.0, gt=0, description=(
        "/readyz fails when a subscription has worked on one message, or has not moved with messages waiting, "
        "this long"))
    ready_outbox_max_age_seconds: float = Field(default=60.0, gt=0, description=(
        "/readyz fails when the oldest unpublished outbox row is older than this"))
    # A command that names an item (warehouse) or location (inventory) the other service has just
    # created is held this long for its fact to arrive before it is refused (0: refuse at once).
    hold_for_other_service_seconds: float = Field(30.0, ge=0, le=300)
    # Tracing: spans are always made; they leave the process only when an exporter is named.
    otel_exporter_otlp_endpoint: str = Field(default="", description="OTLP/HTTP collector, e.g. http://otel:4318")
    otel_traces_exporter: Literal["", "otlp", "console", "none"] = ""

    @property
    def consumption(self) -> Consumption:
        return Consumption(self.kafka_max_poll_interval_ms, self.consumer_batch_max_records,
                           self.consumer_batch_wait_ms, self.consumer_batch_max_bytes)

    @property
    def fact_sources(self) -> frozenset[str]:
        return frozenset(s.strip() for s in self.accepted_fact_sources.split(",") if s.strip())

    def database_dsn(self) -> str:
        """The DSN to connect with: DATABASE_URL, with DATABASE_PASSWORD put in when given."""
        dsn = self.database_url.get_secret_value()
        if self.database_password is None:
            return dsn
        parts = urlsplit(dsn)
        user = parts.username or ""
        host = parts.netloc.rpartition("@")[2]
        password = quote(self.database_password.get_secret_value(), safe="")
        return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))

    def for_logs(self) -> dict:
        """What the service runs with, safe to log: secrets are masked; the database URL shows where it
        points, without its password."""
        parts = urlsplit(self.database_url.get_secret_value())
        where = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2], query=""))
        return {**self.model_dump(mode="json"), "database_url": f"{where} (user {parts.username or '-'})"}


SettingsType = TypeVar("SettingsType", bound=BaseSettings)


def load_settings(kind: type[SettingsType]) -> SettingsType:
    """Read the settings, or exit with code 2 and one line per problem naming the variable and what is
    wrong, never the value given: pydantic's own message echoes its input, passwords included."""
    try:
        return kind()
    except ValidationError as error:
        print(f"invalid settings: {settings_problems(error)}", file=sys.stderr)
        raise SystemExit(2) from None


def settings_problems(error: ValidationError) -> str:
    """Each problem as `VARIABLE: what is wrong`, without the value given."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']).upper() or 'settings'}: {e['msg']}"
        for e in error.errors(include_input=False, include_url=False, include_context=False))

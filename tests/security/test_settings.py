"""Security settings: Kafka SASL/SCRAM and TLS reach the broker and the relay's producer alike, credentials
come from the environment or secret files, and no secret is ever printed."""

import certifi
import pytest
from faststream.security import BaseSecurity, SASLScram256, SASLScram512
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import ConsoleSpanExporter
from pydantic import ValidationError

from servicekit import tracing
from servicekit.runtime import relay_producer
from servicekit.security import aiokafka_options, kafka_security
from warehouse.app import create_app
from warehouse.settings import WarehouseSettings

CA = certifi.where()  # any PEM bundle does for building the TLS context
SCRAM = {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
         "KAFKA_SASL_USERNAME": "warehouse", "KAFKA_SASL_PASSWORD": "kafka-pw-1", "KAFKA_SSL_CA_FILE": CA}


@pytest.fixture
def env(monkeypatch):
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "SECRETS_DIR", "READ_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


async def test_sasl_scram_over_tls_reaches_the_broker_and_the_relay_producer(env):
    env(**SCRAM)
    settings = WarehouseSettings()

    security = kafka_security(settings)
    assert isinstance(security, SASLScram512) and security.use_ssl and security.ssl_context is not None
    assert (security.username, security.password) == ("warehouse", "kafka-pw-1")

    # The service's broker (consumers and FastStream's producer)...
    consumer = create_app(settings).state.broker.config.broker_config.builder.keywords
    assert (consumer["security_protocol"], consumer["sasl_mechanism"], consumer["sasl_plain_username"],
            consumer["sasl_plain_password"]) == ("SASL_SSL", "SCRAM-SHA-512", "warehouse", "kafka-pw-1")
    assert consumer["ssl_context"] is not None
    # ...and the outbox relay's own aiokafka producer connect alike.
    relay = relay_producer("warehouse", settings).client
    assert (relay._security_protocol, relay._sasl_mechanism, relay._sasl_plain_username,
            relay._sasl_plain_password) == ("SASL_SSL", "SCRAM-SHA-512", "warehouse", "kafka-pw-1")
    assert relay._ssl_context is not None


@pytest.mark.parametrize(("protocol", "mechanism", "expected"), [
    ("PLAINTEXT", "SCRAM-SHA-512", {}),
    ("SSL", "SCRAM-SHA-512", {"security_protocol": "SSL"}),
    ("SASL_PLAINTEXT", "SCRAM-SHA-256", {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-256"}),
    ("SASL_SSL", "PLAIN", {"security_protocol": "SASL_SSL", "sasl_mechanism": "PLAIN"}),
])
def test_each_protocol_maps_to_the_aiokafka_options(env, protocol, mechanism, expected):
    env(**{**SCRAM, "KAFKA_SECURITY_PROTOCOL": protocol, "KAFKA_SASL_MECHANISM": mechanism})
    options = aiokafka_options(WarehouseSettings())
    assert {k: v for k, v in options.items() if k in expected} == expected
    assert ("ssl_context" in options and options["ssl_context"] is not None) == protocol.endswith("SSL")
    if protocol == "SASL_PLAINTEXT":
        assert isinstance(kafka_security(WarehouseSettings()), SASLScram256)
    if protocol == "SSL":
        assert type(kafka_security(WarehouseSettings())) is BaseSecurity


def test_half_configured_security_refuses_to_start(env):
    env(KAFKA_SECURITY_PROTOCOL="SASL_SSL", KAFKA_SASL_USERNAME="warehouse")
    with pytest.raises(ValidationError, match="needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"):
        WarehouseSettings()
    env(KAFKA_SASL_PASSWORD="x", KAFKA_SSL_CA_FILE="/nowhere/ca.pem")
    with pytest.raises(ValidationError, match=r"KAFKA_SSL_CA_FILE=/nowhere/ca\.pem is not a readable file"):
        WarehouseSettings()


def test_credentials_come_from_secret_files_and_never_show(env, tmp_path):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "database_url").write_text("postgresql://warehouse@db.internal:5432/warehouse")
    (secrets / "database_password").write_text("p@ss/w0rd:1")
    (secrets / "kafka_sasl_password").write_text("kafka-pw-2")
    (secrets / "read_api_token").write_text("token-3")
    env(SECRETS_DIR=str(secrets), KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT", KAFKA_SASL_USERNAME="warehouse")

    settings = WarehouseSettings()

    # The password of the secret file, quoted into the DSN the pool and the relay connect with.
    assert settings.database_dsn() == "postgresql://warehouse:p%40ss%2Fw0rd%3A1@db.internal:5432/warehouse"
    assert settings.kafka_sasl_password.get_secret_value() == "kafka-pw-2"
    assert settings.read_api_token.get_secret_value() == "token-3"
    shown = f"{settings!r} {settings} {settings.for_logs()} {settings.model_dump_json()}"
    for secret in ("p@ss/w0rd:1", "p%40ss", "kafka-pw-2", "token-3"):
        assert secret not in shown
    assert settings.for_logs()["database_url"] == "postgresql://db.internal:5432/warehouse (user warehouse)"


def test_spans_are_exported_only_when_an_exporter_is_configured(env):
    assert tracing.configured_exporter(WarehouseSettings()) is None
    env(OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318")
    assert isinstance(tracing.configured_exporter(WarehouseSettings()), OTLPSpanExporter)
    env(OTEL_TRACES_EXPORTER="console")
    assert isinstance(tracing.configured_exporter(WarehouseSettings()), ConsoleSpanExporter)

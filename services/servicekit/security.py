"""Security basics: how Kafka clients authenticate (SASL/SCRAM, TLS) and the read API's bearer token.

One mapping from settings to FastStream's security object; the plain aiokafka clients (the outbox
relay's producer, the CLI, the console) get their keyword arguments from the same object through
FastStream's own `parse_security`, so the broker and every other client connect alike.
"""

import secrets
import ssl
from typing import Any

from aiokafka.helpers import create_ssl_context
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from servicekit.settings import KafkaClientSettings, ServiceSettings

_SASL = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256, "PLAIN": SASLPlaintext}


def kafka_ssl_context(settings: KafkaClientSettings) -> ssl.SSLContext | None:
    """TLS to the brokers: the system's trust store unless KAFKA_SSL_CA_FILE names the CA; a client
    certificate when KAFKA_SSL_CERT_FILE/KEY_FILE are set (mutual TLS)."""
    if not settings.kafka_uses_tls:
        return None
    key_password = settings.kafka_ssl_key_password.get_secret_value() if settings.kafka_ssl_key_password else None
    return create_ssl_context(
        cafile=str(settings.kafka_ssl_ca_file) if settings.kafka_ssl_ca_file else None,
        certfile=str(settings.kafka_ssl_cert_file) if settings.kafka_ssl_cert_file else None,
        keyfile=str(settings.kafka_ssl_key_file) if settings.kafka_ssl_key_file else None,
        password=key_password,
    )


def kafka_security(settings: KafkaClientSettings) -> BaseSecurity | None:
    """FastStream's security object for KafkaBroker(security=...); None for PLAINTEXT."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = kafka_ssl_context(settings)
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    return _SASL[settings.kafka_sasl_mechanism](
        settings.kafka_sasl_username, settings.kafka_sasl_password.get_secret_value(),
        ssl_context=context, use_ssl=protocol == "SASL_SSL",
    )


def aiokafka_options(settings: KafkaClientSettings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer/Consumer/AdminClient, the same as the broker's."""
    return parse_security(kafka_security(settings))


def read_token_guard(settings: ServiceSettings) -> list:
    """Dependencies for the read API: none without READ_API_TOKEN, else a bearer token check (401 without
    or with a wrong token). Compared in constant time."""
    if settings.read_api_token is None or not settings.read_api_token.get_secret_value():
        return []
    expected = settings.read_api_token.get_secret_value().encode()
    bearer = HTTPBearer(auto_error=False, description="READ_API_TOKEN of the service")

    async def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), expected):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "a valid bearer token is required",
                                headers={"WWW-Authenticate": "Bearer"})

    return [Depends(require_token)]

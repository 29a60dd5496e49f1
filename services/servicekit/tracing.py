"""OpenTelemetry tracing across both services, through FastStream's Kafka middleware.

The middleware opens a consumer span per message, continuing the W3C `traceparent` the message
carries. Facts leave through the outbox, not through FastStream's publishers, so the outbox stores
the current trace context in each record's headers (`context_headers`): the next service's consumer
span continues the same trace. Spans are always made; they leave the process only when an exporter
is configured (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, or OTEL_TRACES_EXPORTER=console).
"""

from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry import propagate
from opentelemetry.sdk.resources import SERVICE_INSTANCE_ID, SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from servicekit.settings import ServiceSettings


def configured_exporter(settings: ServiceSettings) -> SpanExporter | None:
    if settings.otel_traces_exporter == "console":
        return ConsoleSpanExporter(service_name=settings.instance_id)
    if settings.otel_traces_exporter == "otlp" or (settings.otel_exporter_otlp_endpoint
                                                   and settings.otel_traces_exporter != "none"):
        # Imported only when used; it reads OTEL_EXPORTER_OTLP_* (endpoint, headers) itself.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    return None


def tracer_provider(service: str, settings: ServiceSettings, exporter: SpanExporter | None = None) -> TracerProvider:
    """The service's own provider (not the global one, so several can live in one test process)."""
    resource = Resource.create({SERVICE_NAME: service, SERVICE_INSTANCE_ID: settings.instance_id})
    provider = TracerProvider(resource=resource)
    if (exporter := exporter or configured_exporter(settings)) is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def middleware(provider: TracerProvider) -> KafkaTelemetryMiddleware:
    return KafkaTelemetryMiddleware(tracer_provider=provider, include_messages_counters=False)


def context_headers() -> list[tuple[str, bytes]]:
    """The current trace context as Kafka headers (`traceparent`, `tracestate`); none outside a span."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return [(name, value.encode()) for name, value in carrier.items()]

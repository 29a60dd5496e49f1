from pydantic import SecretStr

from servicekit.settings import KafkaClientSettings
from slt_cli.readapi import DEFAULT_INVENTORY_URL, DEFAULT_WAREHOUSE_URL


class ConsoleSettings(KafkaClientSettings):
    """Kafka as every client reaches it (KAFKA_*), the services' read APIs, and where the page is served."""

    warehouse_url: str = DEFAULT_WAREHOUSE_URL
    inventory_url: str = DEFAULT_INVENTORY_URL
    read_api_token: SecretStr | None = None  # sent to the services' read APIs when they want one
    http_host: str = "127.0.0.1"
    http_port: int = 8083
    recent_facts: int = 50  # facts shown when the page opens (RECENT_FACTS), before the live ones

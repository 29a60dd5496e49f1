from pydantic import SecretStr

from servicekit.settings import ServiceSettings


class InventorySettings(ServiceSettings):
    database_url: SecretStr = SecretStr("postgresql://postgres@127.0.0.1:15432/inventory")
    accepted_fact_sources: str = "/warehouse"
    http_port: int = 8082

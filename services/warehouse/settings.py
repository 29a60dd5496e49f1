from pydantic import SecretStr

from servicekit.settings import ServiceSettings


class WarehouseSettings(ServiceSettings):
    database_url: SecretStr = SecretStr("postgresql://postgres@127.0.0.1:15432/warehouse")
    accepted_fact_sources: str = "/inventory"
    http_port: int = 8081

"""`python -m warehouse`: run the warehouse-tracking service."""

import uvicorn

from warehouse.app import create_app
from warehouse.settings import WarehouseSettings
from servicekit.settings import load_settings

settings = load_settings(WarehouseSettings)
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)

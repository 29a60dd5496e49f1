"""`python -m warehouse`: run the warehouse-tracking service."""

import uvicorn

from servicekit.settings import load_settings
from warehouse.app import create_app
from warehouse.settings import WarehouseSettings

settings = load_settings(WarehouseSettings)
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)

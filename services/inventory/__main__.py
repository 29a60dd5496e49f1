"""`python -m inventory`: run the inventory/reservation service."""

import uvicorn

from inventory.app import create_app
from inventory.settings import InventorySettings
from servicekit.settings import load_settings

settings = load_settings(InventorySettings)
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)

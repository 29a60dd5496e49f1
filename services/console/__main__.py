"""`python -m console`: serve the operator console."""

import uvicorn

from console.app import create_app
from console.settings import ConsoleSettings
from servicekit.settings import load_settings

settings = load_settings(ConsoleSettings)
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)

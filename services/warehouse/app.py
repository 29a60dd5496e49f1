"""Composition root of the warehouse-tracking service."""

from pathlib import Path

from fastapi import FastAPI

from servicekit.runtime import build_app
from warehouse.api import router
from warehouse.settings import WarehouseSettings
from warehouse.subscribers import subscribe

SERVICE = "warehouse"


def create_app(settings: WarehouseSettings) -> FastAPI:
    return build_app(settings, SERVICE, Path(__file__).parent / "migrations", subscribe, router)

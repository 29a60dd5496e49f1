"""Composition root of the inventory/reservation service."""

from pathlib import Path

from fastapi import FastAPI

from inventory.api import router
from inventory.settings import InventorySettings
from inventory.subscribers import subscribe
from servicekit.runtime import build_app

SERVICE = "inventory"


def create_app(settings: InventorySettings) -> FastAPI:
    return build_app(settings, SERVICE, Path(__file__).parent / "migrations", subscribe, router)

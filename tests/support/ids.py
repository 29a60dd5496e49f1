"""Unique ids: tests isolate themselves by them (items, locations, documents, orders), not by teardown."""

import uuid


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"

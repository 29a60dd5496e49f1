"""The warehouse's notion of today."""

from datetime import UTC, date, datetime


def today() -> date:
    """Posting dates and expiry checks (T5) use the day a command is processed, in UTC."""
    return datetime.now(UTC).date()

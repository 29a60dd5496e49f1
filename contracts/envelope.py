"""The message envelope: CloudEvents 1.0 in Kafka binary mode.

The event attributes travel as Kafka headers (`ce_id`, `ce_type`, ...); the Kafka value is the
JSON `data` alone. Two extension attributes, named as the spec wants them (lower-case letters and
digits): `correlationid` ties every message of one business conversation together, `causationid`
names the message that directly caused this one; they travel as `ce_correlationid` and
`ce_causationid`. v1 used the headers `correlation_id` and `causation_id`: they are still read
(a v1 sender keeps working) and still written beside the new ones (a v1 reader keeps working)
until a v2 of the envelope drops them.
"""

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"

H_ID = "ce_id"
H_TYPE = "ce_type"
H_SOURCE = "ce_source"
H_SPECVERSION = "ce_specversion"
H_TIME = "ce_time"
H_SUBJECT = "ce_subject"
H_CORRELATION_ID = "ce_correlationid"
H_CAUSATION_ID = "ce_causationid"
LEGACY_CORRELATION_ID = "correlation_id"
"""v1's header name of `correlationid` (not a valid CloudEvents attribute name): read and written, deprecated."""
LEGACY_CAUSATION_ID = "causation_id"
H_CONTENT_TYPE = "content-type"

REQUIRED_HEADERS = (H_ID, H_TYPE, H_SOURCE, H_SPECVERSION)


class Envelope(BaseModel):
    """The CloudEvents attributes of one message, independent of its payload."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    source: str
    subject: str = ""
    time: datetime
    correlation_id: str
    causation_id: str = ""
    specversion: str = SPEC_VERSION

    @classmethod
    def new(
        cls,
        type: str,
        source: str,
        subject: str = "",
        correlation_id: str | None = None,
        causation_id: str = "",
    ) -> "Envelope":
        message_id = str(uuid.uuid4())
        return cls(
            id=message_id,
            type=type,
            source=source,
            subject=subject,
            time=datetime.now(UTC),
            correlation_id=correlation_id or message_id,
            causation_id=causation_id,
        )

    def caused(self, type: str, source: str, subject: str = "") -> "Envelope":
        """The envelope of a message this one causes: same conversation, new id."""
        return Envelope.new(type, source, subject, self.correlation_id, causation_id=self.id)

    def to_headers(self) -> list[tuple[str, bytes]]:
        pairs = {
            H_ID: self.id,
            H_TYPE: self.type,
            H_SOURCE: self.source,
            H_SPECVERSION: self.specversion,
            H_TIME: self.time.isoformat(),
            H_SUBJECT: self.subject,
            H_CORRELATION_ID: self.correlation_id,
            H_CAUSATION_ID: self.causation_id,
            LEGACY_CORRELATION_ID: self.correlation_id,
            LEGACY_CAUSATION_ID: self.causation_id,
            H_CONTENT_TYPE: CONTENT_TYPE,
        }
        return [(k, v.encode()) for k, v in pairs.items()]

    @classmethod
    def from_headers(cls, headers: dict[str, str]) -> "Envelope":
        """Read the attributes; a missing correlation id starts a new conversation."""
        missing = [h for h in REQUIRED_HEADERS if not headers.get(h)]
        if missing:
            raise ValueError(f"missing CloudEvents header(s): {', '.join(missing)}")
        if headers[H_SPECVERSION] != SPEC_VERSION:
            raise ValueError(f"unsupported ce_specversion {headers[H_SPECVERSION]!r}")
        return cls(
            id=headers[H_ID],
            type=headers[H_TYPE],
            source=headers[H_SOURCE],
            subject=headers.get(H_SUBJECT, ""),
            time=headers.get(H_TIME) or datetime.now(UTC),
            correlation_id=correlation_of(headers) or headers[H_ID],
            causation_id=causation_of(headers),
        )


def correlation_of(headers: Mapping[str, str]) -> str:
    """The `correlationid` attribute, under its CloudEvents name or v1's."""
    return headers.get(H_CORRELATION_ID) or headers.get(LEGACY_CORRELATION_ID, "")


def causation_of(headers: Mapping[str, str]) -> str:
    """The `causationid` attribute, under its CloudEvents name or v1's."""
    return headers.get(H_CAUSATION_ID) or headers.get(LEGACY_CAUSATION_ID, "")

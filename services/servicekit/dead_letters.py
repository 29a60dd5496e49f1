"""What a consumed record's headers say, and the dead letter of a record that cannot be processed.

Headers are read strictly: a key or value that is not UTF-8, a NUL in one, or the same key twice makes
the record a dead letter (duplicated headers are refused, not "first wins": two `ce_id`s mean nobody can
say which message this is). The dead letter keeps the original record losslessly: key and value as they
were, the headers that can travel as they were, and every original header, whatever its bytes, in
`dlq_original_headers` (JSON `[[key, value], ...]`, both base64, value null for a null header). A value too
large for the producer is cut to fit and flagged (`dlq_value_truncated`, with its size and SHA-256); the
whole record stays on its topic at `dlq_original_offset` until the topic's retention drops it.
"""

import base64
import hashlib
import json

from aiokafka.structs import ConsumerRecord

from contracts.topics import dead_letter_topic
from servicekit.kafka_records import raw_header_key
from servicekit.outbox import OutgoingRecord, record_size

_FLAGS_ROOM = 256  # the truncation flags' own size


class UnreadableHeaders(ValueError):
    pass


def read_headers(record: ConsumerRecord) -> dict[str, str]:
    """The headers as text; UnreadableHeaders says in a sentence what is wrong with them."""
    headers: dict[str, str] = {}
    for key, value in record.headers or ():
        name = _text(raw_header_key(key), "header key")
        if name in headers:
            raise UnreadableHeaders(f"header {name!r} appears more than once; send each header once")
        headers[name] = _text(value or b"", f"value of header {name!r}")
    return headers


def _text(raw: bytes, what: str) -> str:
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        problem = f"{what} {raw[:64]!r} is not UTF-8; header keys and values must be UTF-8 text"
        raise UnreadableHeaders(problem) from None
    if "\x00" in text:
        raise UnreadableHeaders(f"{what} {raw[:64]!r} contains a NUL character")
    return text


def payload_hash(ce_type: str, value: bytes | None) -> bytes:
    """What the inbox remembers of a message's content, to tell a redelivery from a reused id."""
    return hashlib.sha256(ce_type.encode() + b"\x00" + (value or b"")).digest()


def dead_letter_record(record: ConsumerRecord, consumer: str, reason: str, kind: str,
                       max_bytes: int) -> OutgoingRecord:
    """The record for `<topic>.dlq`; `max_bytes` is the producer's max_request_size."""
    headers = [
        *_travelling_headers(record),
        ("dlq_original_headers", _original_headers(record)),
        ("dlq_reason", reason.encode(errors="backslashreplace")),
        ("dlq_reason_code", kind.encode()),
        ("dlq_consumer", consumer.encode()),
        ("dlq_original_topic", record.topic.encode()),
        ("dlq_original_partition", str(record.partition).encode()),
        ("dlq_original_offset", str(record.offset).encode()),
    ]
    letter = OutgoingRecord(dead_letter_topic(record.topic), record.key, record.value or b"", headers)
    if (excess := record_size(letter) - max_bytes) <= 0:
        return letter
    value = letter.value
    flags = [("dlq_value_truncated", b"true"), ("dlq_original_value_size", str(len(value)).encode()),
             ("dlq_original_value_sha256", hashlib.sha256(value).hexdigest().encode())]
    kept = value[:max(len(value) - excess - _FLAGS_ROOM, 0)]
    return OutgoingRecord(letter.topic, letter.key, kept, [*headers, *flags])


def _travelling_headers(record: ConsumerRecord) -> list[tuple[str, bytes]]:
    """The original headers a producer can send and PostgreSQL can store as they are (UTF-8 keys, no NUL)."""
    kept = []
    for key, value in record.headers or ():
        if _is_text(key) and "\x00" not in key:
            kept.append((key, value))
    return kept


def _is_text(key: str) -> bool:
    try:
        key.encode()
    except UnicodeEncodeError:  # surrogates: the key's bytes were not UTF-8
        return False
    return True


def _original_headers(record: ConsumerRecord) -> bytes:
    def b64(raw: bytes | None) -> str | None:
        return None if raw is None else base64.b64encode(raw).decode()

    return json.dumps([[b64(raw_header_key(k)), b64(v)] for k, v in record.headers or ()]).encode()

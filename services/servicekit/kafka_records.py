"""Reading fetched records whatever bytes their header keys hold.

aiokafka decodes every header key as strict UTF-8 while it unpacks a fetched batch, before any parser
of ours runs: one key that is not UTF-8 makes the fetch raise, the consumer fetches the same batch
again, and the partition is blocked in a hot loop. `install()` makes the consumers of this process read
such a batch again with `lenient_records`, which decodes keys with `surrogateescape`: the key's bytes come
back with `raw_header_key`, so the dead letter keeps them exactly. Other batches take the fast path.
"""

import struct
from collections.abc import Iterator

from aiokafka.consumer import fetcher
from aiokafka.record.default_records import _DefaultRecordBatchPy, _DefaultRecordPy
from aiokafka.record.memory_records import MemoryRecords
from aiokafka.record.util import decode_varint

_LOG_OVERHEAD = 12  # base offset (int64) + batch length (int32)
_MAGIC_OFFSET = 16


def raw_header_key(key: str) -> bytes:
    """The bytes a header key had on the wire."""
    return key.encode("utf-8", "surrogateescape")


def install() -> None:
    """Every consumer of this process reads batches through `_LenientMemoryRecords` (idempotent)."""
    fetcher.MemoryRecords = _LenientMemoryRecords


class _LenientMemoryRecords:
    """aiokafka's MemoryRecords, whose v2 batches fall back to `lenient_records` when a key is not UTF-8."""

    def __init__(self, data: bytes) -> None:
        self._records = MemoryRecords(data)
        self._data = memoryview(data)
        self._pos = 0

    def size_in_bytes(self) -> int:
        return self._records.size_in_bytes()

    def has_next(self) -> bool:
        return self._records.has_next()

    def next_batch(self):
        batch = self._records.next_batch()
        end = self._pos + _LOG_OVERHEAD + struct.unpack_from(">i", self._data, self._pos + 8)[0]
        raw, self._pos = self._data[self._pos:end], end
        return _LenientBatch(batch, bytes(raw)) if raw[_MAGIC_OFFSET] >= 2 else batch


class _LenientBatch:
    """Delegates to aiokafka's batch; its records are read again leniently once one fails to decode."""

    def __init__(self, batch, raw: bytes) -> None:
        self._batch, self._raw = batch, raw
        self._fast: Iterator | None = None
        self._records: Iterator | None = None
        self._taken = 0

    def __getattr__(self, name: str):
        return getattr(self._batch, name)

    def __iter__(self) -> "_LenientBatch":
        return self

    def __next__(self) -> _DefaultRecordPy:
        if self._records is None:
            try:
                self._fast = self._fast or iter(self._batch)
                record = next(self._fast)
            except UnicodeDecodeError:
                self._records = lenient_records(self._raw)
                for _ in range(self._taken):  # those already handed out
                    next(self._records)
            else:
                self._taken += 1
                return record
        return next(self._records)


def lenient_records(raw: bytes) -> Iterator[_DefaultRecordPy]:
    """The records of one v2 batch (KIP-98 layout), header keys decoded with `surrogateescape`."""
    batch = _DefaultRecordBatchPy(raw)
    batch._maybe_uncompress()
    buffer, pos = batch._buffer, batch._pos
    for _ in range(batch._num_records):
        length, pos = decode_varint(buffer, pos)
        end = pos + length
        pos += 1  # attributes (int8, unused)
        timestamp_delta, pos = decode_varint(buffer, pos)
        offset_delta, pos = decode_varint(buffer, pos)
        key, pos = _bytes(buffer, pos)
        value, pos = _bytes(buffer, pos)
        count, pos = decode_varint(buffer, pos)
        headers = []
        for _ in range(count):
            name, pos = _bytes(buffer, pos)
            data, pos = _bytes(buffer, pos)
            headers.append(((name or b"").decode("utf-8", "surrogateescape"), data))
        pos = end
        log_append = batch.timestamp_type == batch.LOG_APPEND_TIME
        timestamp = batch.max_timestamp if log_append else batch.first_timestamp + timestamp_delta
        yield _DefaultRecordPy(batch.base_offset + offset_delta, timestamp, batch.timestamp_type, key, value, headers)


def _bytes(buffer: bytearray, pos: int) -> tuple[bytes | None, int]:
    length, pos = decode_varint(buffer, pos)
    if length < 0:
        return None, pos
    return bytes(buffer[pos:pos + length]), pos + length

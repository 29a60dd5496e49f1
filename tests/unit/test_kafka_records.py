"""The lenient record reader (servicekit.kafka_records): batches whose header keys are not UTF-8 are read
again with their bytes kept; aiokafka's own reader raises on them (issue 11, Why 1)."""

import pytest
from aiokafka.record.default_records import _DefaultRecordBatchBuilderPy
from aiokafka.record.memory_records import MemoryRecords

from servicekit.kafka_records import _LenientMemoryRecords, raw_header_key
from tests.support.kafka import RawKey

RECORDS = [
    (b"k0", b"v0", [("ok", b"1")]),
    (None, b"v1", [(RawKey(b"\xff\xfe"), b"2"), ("ce_id", None), (RawKey(b"a\x00b"), b"3")]),
    (b"k2", None, []),
]


def batch(codec: int) -> bytes:
    builder = _DefaultRecordBatchBuilderPy(magic=2, compression_type=codec, is_transactional=False, producer_id=-1,
                                           producer_epoch=-1, base_sequence=-1, batch_size=100_000)
    for offset, (key, value, headers) in enumerate(RECORDS):
        builder.append(offset, timestamp=1000 + offset, key=key, value=value, headers=headers)
    return bytes(builder.build())


def read(records) -> list:
    found = []
    while records.has_next():
        for record in records.next_batch():
            found.append((record.offset, record.key, record.value, record.timestamp,
                          [(raw_header_key(k), v) for k, v in record.headers]))
    return found


@pytest.mark.parametrize("codec", [0, 1], ids=["uncompressed", "gzip"])
def test_every_record_of_every_batch_comes_back_with_its_header_bytes(codec):
    data = batch(codec) * 2  # two batches: the second is read after the first fell back
    expected = [(offset, key, value, 1000 + offset, [(k.raw if isinstance(k, RawKey) else k.encode(), v)
                                                      for k, v in headers])
                for offset, (key, value, headers) in enumerate(RECORDS)]
    assert read(_LenientMemoryRecords(data)) == expected * 2


def test_aiokafka_alone_raises_on_such_a_key():
    with pytest.raises(UnicodeDecodeError):
        read(MemoryRecords(batch(0)))

"""Byte-level checks: hashing, gzip with its caps, byte order marks, encodings."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from analytics.ingest import IngestError, Limits
from analytics.ingest.source import inspect_file
from tests.unit.ingest.conftest import GOOD


def test_the_fingerprint_is_the_sha256_of_the_bytes_on_disk():
    path = GOOD / "rees46_small.csv"
    source = inspect_file(path)
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert source.compression == "none" and source.head.startswith("event_time,")


def test_gzip_members_written_back_to_back_are_read_as_one_file(tmp_path):
    path = tmp_path / "parts.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,2\n") + gzip.compress(b"3,4\n"))
    source = inspect_file(path)
    assert source.compression == "gzip" and source.text_bytes == 12 and source.head == "a,b\n1,2\n3,4\n"


def test_a_file_larger_than_the_cap_is_stopped_while_streaming(tmp_path):
    path = tmp_path / "big.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" + b"1,2\n" * 100_000))
    with pytest.raises(IngestError, match="at most 100.0 KB of data after decompression"):
        inspect_file(path, Limits(max_bytes=100 * 1024))


def test_the_expansion_ratio_is_judged_only_after_enough_data(tmp_path):
    path = tmp_path / "repetitive.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" + b"\n" * 2_000_000))  # compresses ~1000x
    assert inspect_file(path).text_bytes == 2_000_004  # under the default 64 MB: fine
    with pytest.raises(IngestError, match="a compression bomb"):
        inspect_file(path, Limits(ratio_after_bytes=1_000_000))


def test_a_utf8_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfInvoiceNo,StockCode\n1,2\n")
    assert inspect_file(path).head.startswith("InvoiceNo,")


def test_a_file_ending_in_the_middle_of_a_character_is_refused(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes("a,b\n1,caf\u00e9".encode()[:-1])
    with pytest.raises(IngestError, match="ends in the middle of a character"):
        inspect_file(path)


def test_non_utf8_is_reported_on_its_line(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"a,b\n1,2\n3,caf\xe9\n")
    with pytest.raises(IngestError, match=r"latin.csv, line 3: expected UTF-8 text, found the bytes e9"):
        inspect_file(path)


def test_a_missing_path_and_a_folder_are_named(tmp_path):
    with pytest.raises(IngestError, match="nope.csv: expected a readable file, found nothing"):
        inspect_file(tmp_path / "nope.csv")
    with pytest.raises(IngestError, match="found a folder"):
        inspect_file(tmp_path)

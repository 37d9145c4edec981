"""Reading an input file safely before any parser sees it.

One streaming pass over the bytes on disk: the SHA-256 that makes a second import of the same
file a no-op, gzip decompression with a hard cap (a compression bomb is stopped, never expanded
into memory or onto disk), and the checks that need raw bytes: empty files, binary junk, archives
and spreadsheets renamed to .csv, UTF-16, and text that is not UTF-8 (reported with its line).
"""

from __future__ import annotations

import codecs
import hashlib
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from analytics.ingest.validate import fail
from models.settings import Settings

CHUNK = 1 << 20  # bytes read (and at most produced by the inflater) per step
HEAD_CHARS = 64 * 1024  # text kept for format detection and the header
GZIP_MAGIC = b"\x1f\x8b"

# Files people rename to .csv or pick by mistake, by their first bytes.
NOT_TEXT = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx workbook is one too); extract or export the CSV first",
    b"PAR1": "a Parquet file; this importer reads CSV and JSON lines",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"BZh": "a bzip2-compressed file; only gzip (.gz) compression is supported",
    b"\xfd7zXZ": "an xz-compressed file; only gzip (.gz) compression is supported",
    b"\x28\xb5\x2f\xfd": "a zstd-compressed file; only gzip (.gz) compression is supported",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook; save it as CSV (UTF-8) first",
    b"SQLite format 3": "an SQLite database",
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Limits:
    """Hard limits on what one file may expand to, and the plausibility bounds of its amounts.
    Tests shrink them; the defaults suit real exports."""

    max_bytes: int = 50 * 2**30  # uncompressed size of one file (a full REES46 month is ~5.3 GB)
    max_ratio: int = 100  # real CSV compresses 4-15x; a bomb ~1000x
    ratio_after_bytes: int = 64 * 2**20  # judge the ratio only once this much was expanded
    max_line_bytes: int = 16 * 2**20  # one CSV record
    max_price: float = Settings.max_price  # settings max_price: one money amount
    max_quantity: int = Settings.max_quantity  # settings max_quantity

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The default limits with the bounds configured in ``settings``."""
        return cls(max_price=settings.max_price, max_quantity=settings.max_quantity)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class SourceFile:
    """An input file that passed the byte-level checks."""

    path: Path
    name: str  # as shown in messages
    sha256: str  # of the bytes on disk
    size: int  # bytes on disk
    compression: str  # 'gzip' or 'none'
    text_bytes: int  # bytes after decompression (BOM included)
    head: str  # the first HEAD_CHARS characters of text, without a BOM


Progress = Callable[[int, int], None]  # (bytes read, total bytes)


def inspect_file(path: str | Path, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None) -> SourceFile:
    """Stream the file once and return what later steps need; raise IngestError for a bad file."""
    path = Path(path)
    name = path.name
    _refuse_non_regular(path)
    size = path.stat().st_size
    if size == 0:
        raise fail(name, "data", "an empty file (0 bytes)")
    digest = hashlib.sha256()
    scanner = _TextScanner(name)
    with open(path, "rb") as handle:
        first = handle.read(CHUNK)
        _refuse_known_binary(name, first)
        gz = first.startswith(GZIP_MAGIC)
        inflater = _Inflater(name, limits) if gz else None
        chunk, done = first, 0
        while chunk:
            digest.update(chunk)
            done += len(chunk)
            for piece in inflater.feed(chunk, done) if inflater else (chunk,):
                scanner.feed(piece)
            if progress:
                progress(done, size)
            chunk = handle.read(CHUNK)
    if inflater:
        inflater.finish()
    scanner.finish()
    if not scanner.has_content:
        raise fail(name, "data", "only blank space" if scanner.total else "an empty file after decompression")
    return SourceFile(path, name, digest.hexdigest(), size, "gzip" if gz else "none", scanner.total, scanner.head)


def _refuse_non_regular(path: Path) -> None:
    # A device (/dev/zero never ends), a named pipe (blocks until someone writes) or a socket is
    # not an export. A symlink to a regular file is followed; what it points at is checked here.
    if not path.exists():
        raise fail(path.name, "a readable file", "nothing")
    if path.is_dir():
        raise fail(path.name, "a readable file", "a folder")
    if not path.is_file():
        raise fail(path.name, "a regular file", "a device or other special file")


def _refuse_known_binary(name: str, first: bytes) -> None:
    for magic, what in NOT_TEXT.items():
        if first.startswith(magic):
            raise fail(name, "CSV or JSON-lines text", what, line=None)


class _Inflater:
    """gzip decompression in bounded steps, with the size cap and the bomb check."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.limits = name, limits
        self.inflater = zlib.decompressobj(wbits=31)
        self.produced = 0

    def feed(self, data: bytes, consumed: int) -> Iterator[bytes]:
        while data:
            try:
                out = self.inflater.decompress(data, CHUNK)
            except zlib.error as exc:
                raise fail(
                    self.name, "valid gzip data", f"corrupt compressed data near byte {consumed:,} ({exc})"
                ) from None
            self._count(len(out), consumed)
            if out:
                yield out
            if self.inflater.eof:
                data = self._next_member()
            else:
                data = self.inflater.unconsumed_tail

    def _next_member(self) -> bytes:
        # gzip files may hold several members back to back (``cat a.gz b.gz``); padding zeros are harmless.
        rest = self.inflater.unused_data
        if not rest.strip(b"\x00"):
            return b""
        if not rest.startswith(GZIP_MAGIC):
            raise fail(self.name, "nothing after the end of the gzip data", f"{len(rest):,} more bytes")
        self.inflater = zlib.decompressobj(wbits=31)
        return rest

    def _count(self, produced: int, consumed: int) -> None:
        self.produced += produced
        limits = self.limits
        if self.produced > limits.max_bytes:
            raise fail(
                self.name,
                f"at most {_size(limits.max_bytes)} of data after decompression",
                f"more than that (stopped after {_size(self.produced)})",
            )
        if self.produced > limits.ratio_after_bytes and self.produced > limits.max_ratio * consumed:
            raise fail(
                self.name,
                f"a compressed export (they shrink 4-15 times; refused beyond {limits.max_ratio} times)",
                f"{_size(consumed)} that expanded to more than {_size(self.produced)}: a compression bomb, "
                "stopped before it filled memory or disk",
            )

    def finish(self) -> None:
        if not self.inflater.eof:
            raise fail(
                self.name,
                "complete gzip data",
                f"a file that ends in the middle of its compressed data after {_size(self.produced)} "
                "(an interrupted download or copy?)",
            )


class _TextScanner:
    """UTF-8 and binary checks over decompressed bytes; keeps the head of the text."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.total = 0
        self.lines = 0  # newlines seen before the current piece
        self.head = ""
        self.started = False
        self.has_content = False

    def feed(self, piece: bytes) -> None:
        if not self.started:
            self.started = True
            piece = self._start(piece)
        if b"\x00" in piece:
            line = self.lines + piece[: piece.index(b"\x00")].count(b"\n") + 1
            raise fail(self.name, "text", "binary data (a NUL byte)", line=line)
        try:
            text = self.decoder.decode(piece)
        except UnicodeDecodeError as exc:
            raise self._not_utf8(exc) from None
        if len(self.head) < HEAD_CHARS:
            self.head += text[: HEAD_CHARS - len(self.head)]
        self.total += len(piece)
        self.lines += piece.count(b"\n")
        self.has_content = self.has_content or bool(piece.strip())

    def _start(self, piece: bytes) -> bytes:
        if piece.startswith(UTF16_BOMS):
            raise fail(self.name, "UTF-8 text", "UTF-16 text (Excel's 'Unicode Text'); save it as 'CSV UTF-8'", line=1)
        if piece.startswith(UTF8_BOM):
            self.total += len(UTF8_BOM)
            return piece[len(UTF8_BOM) :]
        return piece

    def _not_utf8(self, exc: UnicodeDecodeError) -> Exception:
        data = exc.object
        line = self.lines + data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 4]
        hint = ""
        try:
            sample = data[max(0, exc.start - 20) : exc.start + 20].decode("cp1252")
            hint = f" ('{sample.strip()}' when read as Windows-1252/Latin-1: re-save the file as UTF-8)"
        except UnicodeDecodeError:
            pass
        return fail(self.name, "UTF-8 text", f"the bytes {bad.hex(' ')}{hint}", line=line)

    def finish(self) -> None:
        try:
            self.decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise fail(self.name, "UTF-8 text", "a file that ends in the middle of a character") from exc


def _size(n: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def folder_sha256(files: list[SourceFile]) -> str:
    """One fingerprint for a set of files (an Olist folder): their names and contents."""
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.name):
        digest.update(f"{f.name}\0{f.sha256}\n".encode())
    return digest.hexdigest()

"""Telling a file's format from its content when the user does not say (``--format`` omitted)."""

from __future__ import annotations

from pathlib import Path

from analytics.ingest import amazon_reviews, olist, product_qa, sends, taobao
from analytics.ingest.source import SourceFile
from analytics.ingest.staging import csv_header
from analytics.ingest.validate import IngestError, fail, fields

FORMAT_NAMES = "rees46, taobao, olist, online_retail, amazon_reviews, product_qa, sends, csv"


def detect_folder(folder: Path) -> str:
    """A folder is an Olist export when it holds olist_orders_dataset.csv[.gz]; otherwise IngestError."""
    if any((folder / f"{olist.FILES['orders']}{suffix}").is_file() for suffix in (".csv", ".csv.gz")):
        return "olist"
    raise fail(
        folder.name,
        "a folder of Olist CSV files (olist_orders_dataset.csv, ...)",
        "a folder without olist_orders_dataset.csv",
    )


def detect_file(source: SourceFile, has_mapping: bool = False) -> str:
    """The format of a single file, from its first lines; IngestError when it is none we know."""
    if has_mapping:
        return "csv"
    head = source.head.lstrip()
    if head.startswith("{"):
        if amazon_reviews.looks_like(head):
            return "amazon_reviews"
        raise fail(
            source.name,
            "Amazon review JSON lines (with 'asin' and 'overall' fields)",
            "JSON lines without them",
            line=1,
        )
    if head.startswith("["):
        raise fail(source.name, "JSON lines (one object per line)", "a JSON array: the whole file in [ ]", line=1)
    return _detect_csv(source)


def refuse_other_format(source: SourceFile, chosen: str) -> None:
    """IngestError when a file given as ``chosen`` is recognisably another built-in format: the
    message names the format it is, so its header need not be shown (``csv`` maps any file)."""
    if chosen == "csv":
        return
    try:
        found = detect_file(source)
    except IngestError:
        return
    if found != chosen:
        raise fail(
            source.name,
            f"a file in the {chosen} format",
            f"a file in the {found} format: choose that format, or let it be detected",
            line=1,
        )


def _detect_csv(source: SourceFile) -> str:
    header = set(csv_header(source))
    if {"event_time", "event_type", "product_id"} <= header:
        return "rees46"
    if taobao.has_header(source) or taobao.looks_like(source):
        return "taobao"
    if ({"InvoiceNo", "Invoice"} & header and "StockCode" in header) or {"InvoiceNo", "TotalPrice"} <= header:
        return "online_retail"
    if product_qa.looks_like(header):
        return "product_qa"
    if sends.looks_like(header):
        return "sends"
    stem = source.name.removesuffix(".gz").removesuffix(".csv")
    if stem in olist.FILES.values():
        raise fail(
            source.name,
            "a whole Olist folder (orders, items, payments, customers, products, reviews)",
            "one file of it: import the folder that holds them all",
        )
    # The first line is not repeated: a file no importer knows may be of another kind altogether
    # (a system file picked by mistake or reached through a symlink), and messages are stored.
    raise fail(
        source.name,
        f"a known format ({FORMAT_NAMES})",
        f"a first line that no importer recognises ({fields(len(header))}, comma-separated): pass --format, "
        "or --format csv with --mapping FILE (docs/IMPORTING.md)",
        line=1,
    )

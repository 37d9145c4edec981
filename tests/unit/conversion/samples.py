"""The real REES46 and UCI samples of ../shared/data, loaded through the project's importer."""

from __future__ import annotations

from pathlib import Path

from analytics.ingest.pipeline import import_file

REES46 = "rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz"
UCI_INVOICES = "online_retail_uci/online_retail_invoices_cleaned.csv.gz"


def load_rees46(target, path: Path) -> None:
    """REES46 events (the importer drops the sample's 4 exact duplicate rows); ``target`` is a
    migrated connection or a job's context."""
    import_file(target, path, "rees46")


def load_uci_invoices(target, path: Path) -> None:
    """UCI Online Retail full-year invoices: each invoice one purchase of its total, in GBP."""
    import_file(target, path, "online_retail")

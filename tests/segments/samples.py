"""The real REES46, Olist and UCI samples of ../shared/data, loaded through the project's importer
(analytics.ingest) into a migrated connection or a job's context."""

from __future__ import annotations

from analytics.ingest.pipeline import import_file
from tests.conftest import shared_sample


def load_rees46(target) -> None:
    """REES46 events, the first hours of October 2019 (the importer drops exact duplicate rows)."""
    import_file(target, shared_sample("rees46_multicategory_2019oct/events_2019-10-01_dev.csv.gz"), "rees46")


def load_olist(target) -> None:
    """Olist: orders, items, customers by customer_unique_id, products and reviews (a folder)."""
    import_file(target, shared_sample("olist_brazilian_ecommerce_sample"), "olist")


def load_online_retail(target) -> None:
    """UCI Online Retail lines: invoices become orders, cancellations refunds, in GBP; rows without a
    customer are kept out of user analytics."""
    import_file(target, shared_sample("online_retail_uci/online_retail_lines_first8373.csv.gz"), "online_retail")

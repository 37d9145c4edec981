"""Every import format by name (the values of ``--format``)."""

from __future__ import annotations

from analytics.ingest import amazon_reviews, generic_csv, olist, online_retail, product_qa, rees46, sends, taobao
from analytics.ingest.formats import Format

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        rees46.FORMAT,
        taobao.FORMAT,
        olist.FORMAT,
        online_retail.FORMAT,
        amazon_reviews.FORMAT,
        product_qa.FORMAT,
        generic_csv.FORMAT,
        sends.FORMAT,
    )
}

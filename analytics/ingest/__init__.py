"""Importers for the exports shops actually have, onto the canonical tables (docs/IMPORTING.md).

Public, stable functions (other modules and tests use them):

- ``import_file(con_or_ctx, path, format=None, mapping=None, *, actor=CLI_ACTOR) -> ImportResult``:
  import one file or an Olist folder; validation first, then one transaction; the same file
  twice changes nothing.
- ``preview_file(path, format=None, mapping=None) -> Preview``: what an import would write,
  computed on a scratch in-memory warehouse (the dashboard's upload preview).
- ``load_mapping(path) -> Mapping``: read a generic-CSV column mapping.
- ``FORMATS``: the format names (rees46, taobao, olist, online_retail, amazon_reviews, product_qa, sends,
  csv); sends, a campaign send log, writes campaign_sends (docs/EXPERIMENTS.md).
- ``IngestError`` (``.problems``: file, line, column, expected, found) for bad input.
"""

from analytics.ingest.mapping import Mapping, load_mapping
from analytics.ingest.pipeline import ImportResult, Preview, describe, import_file, preview_file
from analytics.ingest.registry import FORMATS
from analytics.ingest.source import DEFAULT_LIMITS, Limits
from analytics.ingest.validate import IngestError, Problem

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "ImportResult",
    "IngestError",
    "Limits",
    "Mapping",
    "Preview",
    "describe",
    "Problem",
    "import_file",
    "load_mapping",
    "preview_file",
]

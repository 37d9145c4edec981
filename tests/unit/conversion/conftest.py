"""Warehouses holding the real REES46 and UCI samples, with their marts built (once per session)."""

from __future__ import annotations

import pytest

from analytics.core import marts, warehouse
from tests.conftest import shared_sample
from tests.unit.conversion.samples import REES46, UCI_INVOICES, load_rees46, load_uci_invoices


@pytest.fixture(scope="session")
def rees46_con():
    """REES46 sample (exact duplicates removed) with marts; tests only read it."""
    path = shared_sample(REES46)
    con = warehouse.connect_memory()
    load_rees46(con, path)
    marts.refresh(con)
    yield con
    con.close()


@pytest.fixture(scope="session")
def uci_con():
    """UCI Online Retail full-year invoices with marts; tests only read it."""
    path = shared_sample(UCI_INVOICES)
    con = warehouse.connect_memory()
    load_uci_invoices(con, path)
    marts.refresh(con)
    yield con
    con.close()

"""A connection to the demo shop with its past campaigns (``campaign_shop``, tests/conftest.py)."""

from __future__ import annotations

import pytest

from analytics.core import warehouse
from models.settings import Settings


@pytest.fixture
def shop_con(campaign_shop: Settings):
    connection = warehouse.open_reader(warehouse.current_snapshot(campaign_shop))
    yield connection
    connection.close()

"""A demo shop with its past campaigns, built once through the real job runner (marts included)."""

from __future__ import annotations

import pytest

from analytics.core import jobs, warehouse
from models.settings import Settings

# 150k events: about 3,000 users, so both demo campaigns are planted (every arm >= 50 users).
SHOP_EVENTS = 150_000


@pytest.fixture(scope="session")
def campaign_shop(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from analytics.demo import build_demo

    settings = Settings(db_path=tmp_path_factory.mktemp("campaigns") / "warehouse.duckdb")
    built = jobs.run_job(settings, "demo", lambda ctx: build_demo(ctx, events=SHOP_EVENTS, seed=7, replace=False))
    assert built.status == "done", built.error
    assert built.summary["campaigns"] == 2
    return settings


@pytest.fixture
def shop_con(campaign_shop: Settings):
    connection = warehouse.open_reader(warehouse.current_snapshot(campaign_shop))
    yield connection
    connection.close()

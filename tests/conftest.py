"""Shared fixtures: temporary warehouses, the real data samples, a small published demo shop."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analytics.core import warehouse
from models.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Tests build their own settings; a developer's MA_* variables (or `make run`'s) must not
# point them at a real warehouse or override what a test configures through secrets.
for _name in [name for name in os.environ if name.startswith("MA_")]:
    del os.environ[_name]


def shared_sample(relative: str) -> Path:
    """A file of ../shared/data; under CI a missing file fails, elsewhere the test skips."""
    path = SHARED_DATA / relative
    if not path.exists():
        message = f"real data sample {path} is missing (../shared/data is provided beside the repository)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh warehouse in a temporary folder."""
    return Settings(db_path=tmp_path / "warehouse.duckdb", job_lock_timeout_s=30)


@pytest.fixture
def con():
    """A fresh in-memory warehouse with every migration applied."""
    connection = warehouse.connect_memory()
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A small demo shop built once per test session through the real job runner and published."""
    from analytics.core import jobs
    from analytics.demo import build_demo

    s = Settings(db_path=tmp_path_factory.mktemp("demo") / "warehouse.duckdb")
    result = jobs.run_job(
        s,
        "demo",
        lambda ctx: build_demo(ctx, events=20_000, seed=7, replace=False),
        params={"events": 20_000, "seed": 7, "replace": False},
    )
    assert result.status == "done", result.error
    return s


@pytest.fixture
def demo_con(demo_settings: Settings):
    """A read-only connection to the published demo snapshot."""
    connection = warehouse.open_reader(warehouse.current_snapshot(demo_settings))
    yield connection
    connection.close()


# 150k events: about 3,000 users, so both demo campaigns are planted (every arm >= 50 users).
CAMPAIGN_SHOP_EVENTS = 150_000


@pytest.fixture(scope="session")
def campaign_shop(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A demo shop with its past campaigns (no segments), built once through the real job runner."""
    from analytics.core import jobs
    from analytics.demo import build_demo

    s = Settings(db_path=tmp_path_factory.mktemp("campaigns") / "warehouse.duckdb")
    built = jobs.run_job(s, "demo", lambda ctx: build_demo(ctx, events=CAMPAIGN_SHOP_EVENTS, seed=7, replace=False))
    assert built.status == "done", built.error
    assert built.summary["campaigns"] == 2
    return s


@pytest.fixture(scope="session")
def segmented(tmp_path_factory) -> Settings:
    """A 20k-event demo shop with one complete segmentation run (4 segments, no text)."""
    return build_segmented(tmp_path_factory.mktemp("segmented") / "warehouse.duckdb")


def build_segmented(db_path: Path) -> Settings:
    """Build the ``segmented`` demo shop at ``db_path`` (for a test that changes it)."""
    from analytics.core import jobs
    from analytics.demo import build_demo
    from analytics.segments.job import SegmentParams, segment_job

    settings = Settings(db_path=db_path)
    built = jobs.run_job(settings, "demo", lambda ctx: build_demo(ctx, events=20_000, seed=7, replace=False))
    assert built.status == "done", built.error
    run = jobs.run_job(settings, "segment", lambda ctx: segment_job(ctx, SegmentParams(clusters=4, text="off")))
    assert run.status == "done", run.error
    return settings

"""One Spark local[2] session for the Spark tests of a test session (it takes 15-20 s to start).

Where pyspark or Java is missing the tests fail under CI=true (CI runs them) and skip elsewhere,
saying what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.settings import Settings
from tests.conftest import IN_CI


@pytest.fixture(scope="session")
def spark_engine(tmp_path_factory: pytest.TempPathFactory):
    """A SparkEngine on local[2] with a small driver (the machine is shared)."""
    from analytics.core.engines import spark_engine as engines

    folder: Path = tmp_path_factory.mktemp("spark")
    settings = Settings(
        db_path=folder / "warehouse.duckdb", engine="spark", spark_master="local[2]", spark_driver_memory="2g"
    )
    try:
        engines.check_prerequisites(settings)
    except engines.SparkUnavailable as exc:
        if IN_CI:
            pytest.fail(f"CI runs the Spark tests: {exc}")
        pytest.skip(str(exc))
    engine = engines.SparkEngine(settings)
    yield engine
    engine.close()

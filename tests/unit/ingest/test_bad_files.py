"""Every bad file in tests/data/bad (listed in its README) is refused with a clear message and
leaves every table of the warehouse exactly as it was."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from analytics.cli import main
from analytics.core import jobs, warehouse
from analytics.ingest import IngestError, import_file
from tests.unit.ingest.conftest import BAD, fill, table_hashes


@dataclass(frozen=True)
class Case:
    path: Path
    format: str | None
    mapping: Path | None
    fragments: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.path.name if self.mapping is None or self.path.parent == BAD else self.mapping.name


def cases() -> list[Case]:
    """The rows of the table in tests/data/bad/README.md."""
    found = []
    for line in (BAD / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("file", "---"):
            continue
        file, fmt, mapping, _, message = cells
        fragments = tuple(re.findall(r"`([^`]+)`", message))
        found.append(
            Case(BAD / file, None if fmt == "-" else fmt, None if mapping == "-" else BAD / mapping, fragments)
        )
    return found


CASES = cases()


def test_the_readme_lists_at_least_25_bad_files_and_every_file_exists():
    assert len(CASES) >= 25
    for case in CASES:
        assert case.path.exists(), case.path
        assert case.mapping is None or case.mapping.exists(), case.mapping
        assert case.fragments, case.path


def test_every_bad_file_is_listed_in_the_readme():
    listed = {c.path.resolve() for c in CASES} | {c.mapping.resolve() for c in CASES if c.mapping}
    on_disk = {p.resolve() for p in BAD.iterdir() if p.name != "README.md"}
    assert on_disk <= listed, sorted(p.name for p in on_disk - listed)


@pytest.fixture(scope="module")
def filled():
    # One warehouse for the module: each test proves it leaves the content as it found it.
    con = warehouse.connect_memory()
    yield fill(con)
    con.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_file_gets_a_clear_message_and_changes_nothing(filled, case):
    before = table_hashes(filled)
    with pytest.raises(IngestError) as caught:
        import_file(filled, case.path, case.format, case.mapping)
    message = str(caught.value)
    for fragment in case.fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"
    assert message.rstrip().endswith("Nothing was imported.") or "nothing was imported" in message
    assert table_hashes(filled) == before
    temporary = filled.execute("select count(*) from duckdb_tables() where temporary").fetchone()[0]
    assert temporary == 0  # staging cleaned up after itself


@pytest.fixture(scope="module")
def filled_file_warehouse(tmp_path_factory):
    from models.settings import Settings

    settings = Settings(db_path=tmp_path_factory.mktemp("bad") / "warehouse.duckdb", job_lock_timeout_s=30)
    result = jobs.run_job(settings, "import", lambda ctx: fill(ctx.con) and None)
    assert result.status == "done", result.error
    return settings


def _snapshot_hashes(settings):
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return warehouse.current_snapshot(settings).seq, table_hashes(con)
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_file_through_the_command_line_job_changes_nothing(filled_file_warehouse, case, capsys):
    settings = filled_file_warehouse
    before = _snapshot_hashes(settings)
    argv = ["--db", str(settings.db_path), "import", str(case.path)]
    argv += ["--format", case.format] if case.format else []
    argv += ["--mapping", str(case.mapping)] if case.mapping else []
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and all(f in err for f in case.fragments), err
    assert _snapshot_hashes(settings) == before  # no new snapshot, same content
    primary = warehouse.configure(duckdb.connect(str(settings.db_path), read_only=True))
    try:
        assert table_hashes(primary) == before[1]
    finally:
        primary.close()
    job = jobs.list_jobs(settings, 1)[0]
    assert job["status"] == "failed" and "IngestError" in job["error"]


# -- files that are not files, and files of another kind -----------------------------------------
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_as_not_a_regular_file(filled, device):
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist here")
    with pytest.raises(IngestError, match=r"expected a regular file, found a device or other special file"):
        import_file(filled, device)


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(filled, tmp_path):
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    with pytest.raises(IngestError, match=r"events.csv: expected a regular file, found a device or other special"):
        import_file(filled, fifo)


def _first_line(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()[0]


@pytest.mark.parametrize(
    ("fmt", "mapping"),
    [(None, None), ("rees46", None), ("taobao", None), ("amazon_reviews", None), ("csv", BAD / "reviews.toml")],
)
def test_a_symlink_to_a_system_file_never_echoes_its_content(filled, tmp_path, fmt, mapping):
    target = Path("/etc/passwd")
    if not target.is_file():
        pytest.skip("no /etc/passwd here")
    link = tmp_path / "orders.csv"
    link.symlink_to(target)
    with pytest.raises(IngestError) as caught:
        import_file(filled, link, fmt, mapping)
    message = str(caught.value)
    secret = _first_line(target)
    assert secret not in message and secret.split(":")[0] + ":" not in message, message


@pytest.mark.parametrize(
    ("fmt", "mapping"),
    [(None, None), ("rees46", None), ("online_retail", None), ("amazon_reviews", None), ("csv", BAD / "reviews.toml")],
)
def test_a_file_of_another_kind_is_named_without_its_content(filled, fmt, mapping):
    with pytest.raises(IngestError) as caught:
        import_file(filled, BAD / "system_file.csv", fmt, mapping)
    message = str(caught.value)
    assert message.startswith("system_file.csv") and "root" not in message and "/bin/bash" not in message, message


def test_a_device_through_the_command_line_is_one_clear_line(filled_file_warehouse, capsys):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    assert main(["--db", str(filled_file_warehouse.db_path), "import", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert err == "error: zero: expected a regular file, found a device or other special file. Nothing was imported.\n"


def test_personal_data_in_a_refused_file_is_masked_in_the_job_history_too(filled_file_warehouse, capsys):
    settings = filled_file_warehouse
    argv = ["--db", str(settings.db_path), "import", str(BAD / "rees46_card_in_price.csv")]
    assert main(argv) == 2
    assert "4111" not in capsys.readouterr().err
    job = jobs.list_jobs(settings, 1)[0]
    assert job["status"] == "failed" and "[card]" in job["error"] and "4111" not in job["error"] + job["message"]


def test_the_importing_doc_counts_the_refused_files():
    importing = " ".join((BAD.parents[2] / "docs" / "IMPORTING.md").read_text(encoding="utf-8").split())
    assert f"tests/data/bad/README.md lists {len(CASES)} refused files" in importing

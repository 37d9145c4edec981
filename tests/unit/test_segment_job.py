"""The segment job and command: runs numbered, shown only when complete, failures kept apart."""

import json

import pytest

from analytics import cli
from analytics.core import jobs, queries, warehouse
from analytics.segments.job import SegmentParams, segment_job
from tests.segments.shops import typed_shop
from tests.unit import statements


@pytest.fixture
def shop_settings(settings):
    result = jobs.run_job(settings, "load", lambda ctx: typed_shop(ctx.con, 150))
    assert result.status == "done", result.error
    return settings


def _read(settings, sql, params=None):
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _segment(settings, **params):
    return jobs.run_job(settings, "segment", lambda ctx: segment_job(ctx, SegmentParams(text="off", **params)))


def test_each_run_gets_the_next_run_id_and_covers_every_user(shop_settings):
    first, second = _segment(shop_settings, seed=0), _segment(shop_settings, clusters=4, seed=1)
    assert (first.summary["run_id"], second.summary["run_id"]) == (1, 2)
    rows = _read(
        shop_settings,
        "select run_id, count(*), count(distinct segment_id) from user_segments group by run_id order by run_id",
    )
    assert rows == [(1, 150, first.summary["k"]), (2, 150, 4)]


def test_the_latest_complete_run_is_the_one_shown(shop_settings):
    _segment(shop_settings)
    _segment(shop_settings, clusters=2)
    con = warehouse.open_reader(warehouse.current_snapshot(shop_settings))
    latest = queries.one(con, "latest_segment_run")
    con.close()
    assert latest["run_id"] == 2 and latest["k"] == 2 and latest["embedding_model"] is None
    assert json.loads(latest["metrics"])["chosen_by"] == "user"


def test_a_failed_rebuild_leaves_the_shown_run_alone(shop_settings, monkeypatch):
    assert _segment(shop_settings).status == "done"

    def broken(*args, **kwargs):
        raise RuntimeError("profiles exploded")

    monkeypatch.setattr("analytics.segments.job.build_profiles", broken)
    failed = _segment(shop_settings, clusters=3)
    assert failed.status == "failed" and "profiles exploded" in failed.error
    assert _read(shop_settings, "select run_id, status from segment_runs order by run_id") == [
        (1, "complete"),
        (2, "failed"),
    ]
    con = warehouse.open_reader(warehouse.current_snapshot(shop_settings))
    assert queries.one(con, "latest_segment_run")["run_id"] == 1
    con.close()


def test_an_interrupted_run_is_marked_failed_by_the_next(shop_settings):
    def interrupted(ctx):
        from analytics.segments.job import _start_run

        _start_run(ctx, SegmentParams())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(shop_settings, "segment", interrupted)
    _segment(shop_settings)
    assert _read(shop_settings, "select run_id, status from segment_runs order by run_id") == [
        (1, "failed"),
        (2, "complete"),
    ]


def test_profiles_are_stored_with_the_run(shop_settings):
    result = _segment(shop_settings, clusters=3)
    rows = _read(
        shop_settings,
        "select segment_id, name, count_users, traits, figures from segment_profiles "
        "join segment_figures using (run_id, segment_id) where run_id = 1 order by segment_id",
    )
    assert [r[1] for r in rows] == result.summary["segments"] and sum(r[2] for r in rows) == 150
    assert json.loads(rows[0][3])[0]["sentence"] and json.loads(rows[0][4])["share_users"] > 0


def test_command_runs_a_segmentation(shop_settings, capsys):
    code = cli.main(["--db", str(shop_settings.db_path), "segment", "--clusters", "3", "--seed", "2", "--text", "off"])
    out = capsys.readouterr().out
    assert code == 0 and "segmentation run 1: 150 users in 3 segments (k user, without text embedding)" in out


def test_command_refuses_a_bad_number_of_segments(shop_settings, capsys):
    code = cli.main(["--db", str(shop_settings.db_path), "segment", "--clusters", "0"])
    assert code == 2 and "--clusters must be between 1 and 50 (got 0)" in capsys.readouterr().err


@pytest.mark.slow
def test_every_statement_file_runs_in_segment_jobs(shop_settings, monkeypatch):
    used = statements.record(monkeypatch)
    assert (
        jobs.run_job(
            shop_settings, "segment", lambda ctx: segment_job(ctx, SegmentParams(clusters=3, text="on"))
        ).status
        == "done"
    )
    monkeypatch.setattr("analytics.segments.job.build_profiles", lambda *a: (_ for _ in ()).throw(RuntimeError("x")))
    assert _segment(shop_settings).status == "failed"
    not_run = statements.job_statements("segments") - used
    assert not not_run, f"not run: {sorted(not_run)}"

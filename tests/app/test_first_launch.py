"""First launch of the embedded demo shop: its reviews are scored in the background, once, and the
Reviews page shows how far that got.

The launch is real up to the process: the job row, the audit entry and the command line are
checked; the scoring process itself is not started (the `sentiment` command's own tests run it).
"""

from __future__ import annotations

import shutil
import threading

import pandas as pd
import pytest

from analytics.core import appstate, jobs
from analytics.trust.access import Actor, Role
from dashboard.components import jobs as job_widgets
from models.settings import Settings
from tests.app.conftest import make_app

# The session's demo shop (tests/conftest.py) is 20k events, seed 7: the embedded demo when the
# settings say so.
EMBEDDED = {"demo_events": 20_000, "demo_seed": 7}
VISITOR = Actor("demo", Role.ADMIN)  # everyone in demo mode


@pytest.fixture
def demo_copy(demo_settings, tmp_path) -> Settings:
    """A private copy of the session's demo shop (warehouse, snapshots, app state): these tests add jobs."""
    folder = tmp_path / "shop"
    shutil.copytree(demo_settings.db_path.parent, folder)
    return Settings(db_path=folder / demo_settings.db_path.name)


@pytest.fixture
def launched(monkeypatch) -> list[list[str]]:
    """The command lines launched; each gets its job row, as launch_job makes it, without a process."""
    calls: list[list[str]] = []

    def launch(settings, kind, argv, params, actor):
        calls.append(argv)
        return jobs.create_job(settings, kind, params, actor)

    monkeypatch.setattr(jobs, "launch_job", launch)
    return calls


def _visit(settings: Settings, page: str | None = None, **extra):
    at = make_app(settings, page, **{**EMBEDDED, **extra}).run()
    assert not at.exception, at.exception
    return at


def _add_job(settings: Settings, kind: str, status: str = "done") -> int:
    return jobs.create_job(settings, kind, {}, "cli", status=status)


def test_first_visits_start_the_scoring_once(demo_copy, launched):
    _visit(demo_copy)
    _visit(demo_copy, "reviews")  # a second session, another page
    assert launched == [job_widgets.FIRST_LAUNCH_ARGV]
    job = jobs.list_jobs(demo_copy, 1)[0]
    assert (job["kind"], job["actor"], job["status"]) == ("sentiment", "first launch", "queued")
    audit = appstate.read_audit(demo_copy, 1)[0]
    assert (audit["actor"], audit["action"], audit["target"]) == ("first launch", "sentiment", f"job {job['job_id']}")


def test_sessions_opening_at_the_same_moment_start_one_job(demo_copy, launched):
    started = []
    threads = [
        threading.Thread(target=lambda: started.append(job_widgets.start_first_launch_scoring(demo_copy, VISITOR)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(launched) == 1 and len(started) == 4
    assert [job_id for job_id in started if job_id is not None] == [jobs.list_jobs(demo_copy, 1)[0]["job_id"]]


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"demo_events": 30_000}, "another demo shop than the embedded one"),
        ({"demo_mode": False}, "not in demo mode"),
    ],
)
def test_not_started_outside_the_embedded_demo(demo_copy, launched, extra, why):
    # Outside demo mode an admin signs in: the role would allow the job, the mode does not.
    at = make_app(demo_copy, None, **{**EMBEDDED, "roles": {"admin@shop.test": "admin"}, **extra})
    at.user = {"is_logged_in": True, "email": "admin@shop.test"}
    at.run()
    assert not at.exception
    assert launched == [], why


def test_not_started_again_after_a_scoring_job_since_the_demo(demo_copy, launched):
    _add_job(demo_copy, "sentiment", status="cancelled")  # say, the user cancelled the first one
    _visit(demo_copy)
    assert launched == []


def test_not_started_while_another_job_runs(demo_copy, launched):
    _add_job(demo_copy, "import", status="running")
    _visit(demo_copy)
    assert launched == []


def test_not_started_once_a_review_is_scored(demo_copy, launched):
    def score_one(ctx):
        review_id = ctx.con.execute("select min(review_id) from reviews").fetchone()[0]
        with ctx.batch():
            ctx.con.execute(
                "insert into review_sentiment (review_id, model, model_version, score, label, chunks, scored_at) "
                "values ($id, 'org/model', 'hub', 0.5, 'positive', 1, now())",
                {"id": review_id},
            )

    assert jobs.run_job(demo_copy, "fixture", score_one).status == "done"
    _visit(demo_copy)
    assert launched == []


def test_reviews_page_shows_the_scoring_progress(demo_copy, launched):
    _visit(demo_copy)
    job_id = jobs.list_jobs(demo_copy, 1)[0]["job_id"]
    with appstate.connect(demo_copy) as con:
        con.execute(
            "update job_runs set status = 'running', progress_done = 64, progress_total = 160, "
            "message = '64/160 reviews, 2.1 reviews/s' where job_id = ?",
            (job_id,),
        )
    at = _visit(demo_copy, "reviews")
    bar = next(p for p in at.main.progress if p.text.startswith("Scoring the demo shop's reviews"))
    assert bar.value == 40 and f"job #{job_id}" in bar.text and "64/160 reviews" in bar.text
    assert "No review has been scored yet" in at.info[0].value  # the page itself is unchanged


def test_other_pages_do_not_show_the_scoring_banner(demo_copy, launched):
    _visit(demo_copy)
    at = _visit(demo_copy, "overview")
    assert not [p for p in at.main.progress if p.text.startswith("Scoring the demo shop's reviews")]


def test_embedded_demo_is_the_one_the_settings_describe():
    settings = Settings(**EMBEDDED)
    demo = pd.DataFrame({"source_format": ["demo"], "file_name": ["demo:events=20000,seed=7"]})
    assert job_widgets.is_embedded_demo(demo, settings)
    assert not job_widgets.is_embedded_demo(demo, Settings(demo_events=20_000, demo_seed=8))
    imported = pd.DataFrame(
        {"source_format": ["rees46", "demo"], "file_name": ["events.csv", "demo:events=20000,seed=7"]}
    )
    assert not job_widgets.is_embedded_demo(imported, settings)
    assert not job_widgets.is_embedded_demo(demo.iloc[:0], settings)


@pytest.mark.parametrize(
    ("kinds", "due"),
    [
        ([("segment", "done"), ("demo", "done")], True),
        ([("segment", "done"), ("demo", "done"), ("sentiment", "done"), ("demo", "done")], True),
        ([("demo", "done"), ("sentiment", "failed"), ("demo", "done")], True),
        ([("sentiment", "failed"), ("demo", "done")], False),
        ([("segment", "running"), ("demo", "done")], False),
        ([], True),
    ],
)
def test_scoring_is_due_once_per_demo_build(kinds, due):
    rows = [{"kind": kind, "status": status} for kind, status in kinds]  # newest first
    assert job_widgets.scoring_due(rows) is due


def test_first_launch_command_is_a_real_sentiment_command():
    from analytics.cli import build_parser

    parser, _ = build_parser()
    args = parser.parse_args(job_widgets.FIRST_LAUNCH_ARGV)
    assert (args.command, args.publish_first, args.commit_reviews) == (
        "sentiment",
        job_widgets.FIRST_LAUNCH_REVIEWS,
        job_widgets.FIRST_LAUNCH_COMMIT,
    )

-- Operational state shared by the dashboard server and command-line jobs (SQLite, WAL).
create table job_runs (
    job_id            integer primary key autoincrement,
    kind              text not null,          -- demo, import, sentiment, segment, ...
    params            text not null,          -- canonical JSON of the job's arguments
    resume_key        text not null,          -- kind + params: a rerun of the same work resumes
    status            text not null check (status in
                          ('queued', 'waiting', 'running', 'done', 'failed', 'cancelled', 'crashed')),
    actor             text not null,
    pid               integer,
    progress_done     real not null default 0,
    progress_total    real,
    message           text not null default '',
    checkpoint        text,                   -- JSON state a resumed run starts from
    cancel_requested  integer not null default 0,
    created_at        text not null,
    started_at        text,
    updated_at        text not null,
    finished_at       text,
    error             text,
    summary           text                    -- JSON result of a finished job
);
create index job_runs_status on job_runs(status);
create index job_runs_resume on job_runs(resume_key, job_id);

create table audit_log (
    audit_id  integer primary key autoincrement,
    at        text not null,
    actor     text not null,
    role      text not null,
    action    text not null,                  -- import, rebuild, export, approve, ...
    target    text not null,
    details   text                            -- JSON
);
create index audit_log_at on audit_log(at);

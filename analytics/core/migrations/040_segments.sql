-- Segmentation results (issue: segments from user embeddings). A run is shown only once
-- its status is 'complete'; the latest complete run is the one pages and drafts use.
create table segment_runs (
    run_id           integer primary key,       -- increases with each run
    created_at       timestamp not null,
    completed_at     timestamp,
    status           varchar not null check (status in ('running', 'complete', 'failed')),
    k                integer,
    seed             integer,
    embedding_model  varchar,                   -- null when the run used no text embedding
    params           varchar,                   -- JSON: the run's settings
    metrics          varchar                    -- JSON: evidence for k (silhouette, stability)
);

create table user_segments (
    run_id      integer not null,
    user_id     varchar not null,
    segment_id  integer not null,
    primary key (run_id, user_id)
);

create table segment_profiles (
    run_id        integer not null,
    segment_id    integer not null,
    name          varchar not null,             -- short name derived from the traits
    count_users   bigint not null,
    description   varchar,                      -- plain sentences from the numbers
    traits        varchar,                      -- JSON: distinguishing traits with their figures
    primary key (run_id, segment_id)
);

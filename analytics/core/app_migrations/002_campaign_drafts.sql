-- Campaign drafts (campaign studio): written by the dashboard at any moment, so they live with
-- the other operational state rather than in the warehouse a job may hold for minutes.
create table campaign_drafts (
    draft_id      integer primary key autoincrement,
    created_at    text not null,
    updated_at    text not null,
    author        text not null,
    status        text not null default 'draft' check (status in ('draft', 'approved')),
    run_id        integer not null,            -- segmentation run the segment belongs to
    segment_id    integer not null,
    segment_name  text not null,
    channel       text not null,
    brief         text not null,               -- JSON: the brief as validated
    model         text not null,               -- copy model that wrote the text
    variant       integer not null,            -- rank among the variants shown
    text          text not null,
    checks        text not null,               -- JSON: {check name: {"passed": bool, "detail": str}}
    edited        integer not null default 0,  -- 1 once a person changed the model's text
    approved_by   text,
    approved_at   text
);
create index campaign_drafts_segment on campaign_drafts(run_id, segment_id);
create index campaign_drafts_status on campaign_drafts(status);

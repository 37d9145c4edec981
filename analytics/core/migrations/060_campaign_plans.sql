-- The campaign loop's measuring half (docs/EXPERIMENTS.md): a plan with its variants and a seeded
-- random holdout, the sends that were made, and what the demo planted. These live in the
-- warehouse, not in the app state beside the drafts, because results join them with events.

-- One campaign plan: who (a segment, a saved audience, or a demo group), which channel, which
-- days the outcome window covers, and how the holdout was drawn (share and seed).
create table campaign_plans (
    campaign_id                integer primary key,
    name                       varchar not null unique,   -- what send logs name in their campaign column
    channel                    varchar not null,
    source_kind                varchar not null check (source_kind in ('segment', 'audience', 'demo')),
    source_id                  integer,                   -- segment id, audience id; null for a demo group
    run_id                     integer,                   -- segmentation run of a segment
    source_name                varchar not null,          -- the segment's or audience's name when planned
    start_day                  date not null,             -- first day of the outcome window (UTC)
    end_day                    date not null,             -- last day of the outcome window (inclusive)
    holdout_share              double not null check (holdout_share > 0 and holdout_share < 1),
    seed                       bigint not null,
    created_at                 timestamp not null,        -- sends before this are refused
    created_by                 varchar not null,
    count_users                bigint not null,           -- assigned to an arm (holdout included)
    count_excluded_no_consent  bigint not null,           -- declined marketing: in no arm at all
    check (end_day >= start_day)
);

-- The copy variants of a plan: A, B, ... in the order the planner gave the approved drafts.
create table campaign_variants (
    campaign_id  integer not null,
    variant      varchar not null,
    draft_id     integer,            -- approved draft in the app state; null for demo copy
    text         varchar not null,   -- the approved text, frozen when planned
    primary key (campaign_id, variant)
);

-- Every user of a plan with the arm drawn for them: a variant or 'holdout'. The stratum is the
-- RFM tier (as of the plan's start) the draw was balanced on.
create table campaign_assignments (
    campaign_id  integer not null,
    user_id      varchar not null,
    arm          varchar not null,
    stratum      varchar not null,
    primary key (campaign_id, user_id)
);

-- What was actually sent (imported send logs, `import FILE --format sends`): one send per user
-- and campaign. A send to a holdout user or of another variant than drawn is kept (it is what
-- happened) and flagged in results; results compare arms as drawn.
create table campaign_sends (
    campaign_id      integer not null,
    user_id          varchar not null,
    variant          varchar not null,
    sent_at          timestamp not null,
    unsubscribed_at  timestamp,          -- where the send log says
    import_id        integer,
    primary key (campaign_id, user_id)
);

-- Demo shop only: the true effect planted into a demo campaign's behaviour, so the estimator can
-- be checked against it (like users.demo_type, never shown on a page). true_lift is the mean over
-- the plan's users of (outcome if sent - outcome if held out): the sample average effect.
create table demo_campaign_effects (
    campaign   integer not null,
    metric     varchar not null,
    true_lift  double not null,
    primary key (campaign, metric)
);

-- Saved audiences: the users of a funnel step (e.g. abandoned carts), frozen when saved so an
-- export or a campaign later targets exactly the people the marketer saw.
create table audiences (
    audience_id  integer primary key,
    name         varchar not null,
    created_at   timestamp not null,
    created_by   varchar not null,
    definition   varchar not null,   -- JSON: filters, funnel options, step and excluded step
    count_users  bigint not null
);

create table audience_users (
    audience_id  integer not null,
    user_id      varchar not null,
    primary key (audience_id, user_id)
);

-- Details of a segmentation run, kept beside the tables of 040 so their columns stay
-- as other code expects: the 2-D map of a sample of users (PCA of what the segments were built
-- from) and each segment's figures (size, revenue, RFM mix, CLV, top lists, ...) as JSON.
create table segment_map_points (
    run_id      integer not null,
    user_id     varchar not null,
    segment_id  integer not null,
    map_x       double not null,
    map_y       double not null,
    primary key (run_id, user_id)
);

create table segment_figures (
    run_id      integer not null,
    segment_id  integer not null,
    figures     varchar not null,              -- JSON: see analytics.profiles.SegmentProfile
    primary key (run_id, segment_id)
);

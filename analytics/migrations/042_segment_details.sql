-- Per-user details of a segmentation run (issue 6): 2-D map coordinates for a sample of users
-- (null for users outside the sample) and the distance to the segment's centre, which picks
-- representative users. Per-segment profiles keep all their figures as JSON.
alter table user_segments add column map_x double;
alter table user_segments add column map_y double;
alter table user_segments add column distance double;
alter table segment_profiles add column profile varchar;  -- JSON: size, revenue, RFM mix, top lists, ...

-- Record one campaign plan (its variants and assignments follow in the same transaction).
insert into campaign_plans (
    campaign_id, name, channel, source_kind, source_id, run_id, source_name, start_day, end_day,
    holdout_share, seed, created_at, created_by, count_users, count_excluded_no_consent
)
values (
    $campaign_id, $name, $channel, $source_kind, $source_id, $run_id, $source_name, $start_day, $end_day,
    $holdout_share, $seed, $created_at, $created_by, $count_users, $count_excluded_no_consent
)

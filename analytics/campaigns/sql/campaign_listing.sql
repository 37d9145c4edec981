-- Every campaign plan with its users per arm and the sends recorded so far, newest first.
with
    campaign_plans as (select * from campaign_plans),
    assignments as (
        select campaign_id,
            count(*) filter (where arm = 'holdout') as count_holdout,
            count(*) filter (where arm <> 'holdout') as count_treated
        from campaign_assignments
        group by campaign_id
    ),
    sends as (select campaign_id, count(*) as count_sends from campaign_sends group by campaign_id),
    variants as (
        select campaign_id, string_agg(variant, ', ' order by variant) as variants
        from campaign_variants
        group by campaign_id
    ),
    final as (
        select p.campaign_id, p.name, p.channel, p.source_kind, p.source_id, p.run_id, p.source_name,
            p.start_day, p.end_day, p.holdout_share, p.seed, p.created_at, p.created_by,
            p.count_users, p.count_excluded_no_consent, v.variants,
            coalesce(a.count_treated, 0) as count_treated,
            coalesce(a.count_holdout, 0) as count_holdout,
            coalesce(s.count_sends, 0) as count_sends
        from campaign_plans p
        left join assignments a using (campaign_id)
        left join sends s using (campaign_id)
        left join variants v using (campaign_id)
    )
select * from final
order by campaign_id desc

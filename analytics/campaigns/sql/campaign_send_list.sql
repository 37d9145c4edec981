-- The users drawn to variant $variant of campaign $campaign_id, with their marketing consent, for
-- the send list of that variant (the holdout is never asked for: analytics.campaigns.plans).
with
    assignments as (
        select campaign_id, user_id, arm
        from campaign_assignments
        where campaign_id = $campaign_id and arm = $variant
    ),
    users as (select user_id, marketing_consent from users),
    final as (
        select a.user_id, u.marketing_consent, a.campaign_id, a.arm as variant
        from assignments a
        left join users u using (user_id)
    )
select * from final order by user_id

-- The id the next campaign plan gets.
with
    campaign_plans as (select campaign_id from campaign_plans),
    final as (select coalesce(max(campaign_id), 0) + 1 as campaign_id from campaign_plans)
select * from final

-- One campaign plan by id ($campaign_id), or by name ($name); no row when neither matches.
with
    campaign_plans as (select * from campaign_plans),
    final as (
        select *
        from campaign_plans
        where campaign_id = $campaign_id or name = $name
    )
select * from final
order by campaign_id
limit 1

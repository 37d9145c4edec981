-- The copy variants of campaign $campaign_id, A first.
with
    campaign_variants as (select * from campaign_variants where campaign_id = $campaign_id),
    final as (select variant, draft_id, text from campaign_variants)
select * from final order by variant

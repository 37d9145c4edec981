-- Append a plan's variants from the relation campaign_variant_rows (campaign_id, variant, draft_id, text).
insert into campaign_variants by name
with
    incoming as (select * from campaign_variant_rows),
    final as (select campaign_id, variant, draft_id, text from incoming)
select * from final

-- Append the true effects planted into a demo campaign, from the relation demo_effect_rows
-- (campaign, metric, true_lift).
insert into demo_campaign_effects by name
with
    incoming as (select * from demo_effect_rows),
    final as (select campaign, metric, true_lift from incoming)
select * from final

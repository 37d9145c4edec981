-- Append a plan's arms from the relation campaign_assignment_rows (campaign_id, user_id, arm, stratum).
insert into campaign_assignments by name
with
    incoming as (select * from campaign_assignment_rows),
    final as (select campaign_id, user_id, arm, stratum from incoming)
select * from final

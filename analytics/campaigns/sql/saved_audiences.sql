-- Every saved audience with its size, newest first, for choosing whom a campaign plan targets.
with
    audiences as (select audience_id, name, created_at, count_users from audiences),
    final as (select * from audiences)
select * from final order by audience_id desc

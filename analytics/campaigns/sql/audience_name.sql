-- The name of saved audience $audience_id (no row: there is no such audience).
with
    audiences as (select audience_id, name from audiences),
    final as (select name from audiences where audience_id = $audience_id)
select * from final

-- The id the next saved audience gets.
with
    audiences as (select audience_id from audiences),
    final as (select coalesce(max(audience_id), 0) + 1 as audience_id from audiences)
select * from final

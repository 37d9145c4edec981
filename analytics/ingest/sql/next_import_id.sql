-- The id the next import gets.
with
    imports as (select import_id from imports),
    final as (select coalesce(max(import_id), 0) + 1 as import_id from imports)
select * from final

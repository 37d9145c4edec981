-- First and last review day (UTC): the date range when the warehouse has reviews but no events.
with
    reviews as (select created_at from reviews),
    final as (
        select cast(min(created_at) as date) as first_day, cast(max(created_at) as date) as last_day
        from reviews
    )
select * from final

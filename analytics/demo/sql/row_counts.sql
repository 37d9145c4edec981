-- What the canonical tables hold before the demo is built (refuse to mix the demo into data).
with
    final as (
        select
            (select count(*) from events) as count_events,
            (select count(*) from users) as count_users,
            (select count(*) from products) as count_products,
            (select count(*) from reviews) as count_reviews,
            (select count(*) from searches) as count_searches,
            (select count(*) from imports) as count_imports
    )
select * from final

-- Per demo customer, the products they viewed with the top category and their last view: the
-- products demo customers ask the shop's assistant about.
with
    viewed as (
        select user_id, product_id, max(event_time) as last_viewed
        from events
        where event_type = 'view' and user_id is not null and product_id is not null
        group by user_id, product_id
    ),
    final as (
        select v.user_id, v.product_id, split_part(p.category, '.', 1) as top, v.last_viewed
        from viewed as v
        join products as p using (product_id)
    )
select * from final
order by user_id, product_id

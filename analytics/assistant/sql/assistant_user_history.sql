-- One user's interest per top-level category (purchase 3, cart or wishlist 2, view 1, as the
-- segments weigh them) and the products the user bought.
with
    events as (
        select e.event_type, e.product_id, split_part(p.category, '.', 1) as top_category
        from events as e
        join products as p using (product_id)
        where e.user_id = $user_id
    ),
    weights as (
        select top_category, sum(case event_type when 'purchase' then 3 when 'cart' then 2 when 'wishlist' then 2
            when 'view' then 1 else 0 end) as weight
        from events
        where top_category is not null
        group by top_category
    ),
    bought as (select distinct product_id from events where event_type = 'purchase'),
    final as (
        select 'category' as kind, top_category as value, weight from weights
        union all select 'bought' as kind, product_id as value, 1 as weight from bought
    )
select * from final
order by kind, value

-- Test set of the offline evaluation: per user, the products bought at or after $split_at that
-- the user had not bought before it (re-buys are not discoveries).
with
    purchases as (
        select distinct user_id, product_id, event_time >= $split_at as after_split
        from events
        where event_type = 'purchase' and user_id is not null and product_id is not null
    ),
    final as (
        select user_id, product_id from purchases where after_split
        except
        select user_id, product_id from purchases where not after_split
    )
select * from final order by user_id, product_id

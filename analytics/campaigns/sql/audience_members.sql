-- The users of saved audience $audience_id with their marketing consent (null: unknown), and the
-- audience's name on every row, for a campaign plan.
with
    audiences as (select audience_id, name from audiences where audience_id = $audience_id),
    audience_users as (select * from audience_users where audience_id = $audience_id),
    users as (select user_id, marketing_consent from users),
    final as (
        select audience_users.user_id, users.marketing_consent, audiences.name as audience_name
        from audience_users
        join audiences using (audience_id)
        left join users using (user_id)
    )
select * from final order by user_id

-- The users of hidden demo customer type $demo_type who had visited the shop before $as_of (the
-- moment of planning), with their marketing consent: the group a demo campaign targets
-- (analytics/demo/campaigns.py). Real shops have no demo_type.
with
    users as (select user_id, marketing_consent, demo_type, first_seen from users),
    final as (
        select user_id, marketing_consent
        from users
        where demo_type = $demo_type and first_seen < cast($as_of as timestamp)
    )
select * from final order by user_id

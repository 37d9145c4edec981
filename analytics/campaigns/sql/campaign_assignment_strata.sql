-- The users of campaign $campaign_id with the arm drawn for them and the RFM tier the draw was
-- balanced on, for the balance table of a stored plan.
with
    assignments as (
        select user_id, arm, stratum
        from campaign_assignments
        where campaign_id = $campaign_id
    ),
    final as (select * from assignments)
select * from final order by user_id

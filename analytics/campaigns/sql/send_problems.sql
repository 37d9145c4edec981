-- Checks of a send log against the plans (import only): errors (unknown campaign, user or
-- variant, a user outside the plan, a send before the plan existed, a second send to a user) and
-- labelled warnings for what is data (holdout users sent, another variant than drawn, sends after
-- the window, sends stored before). One row per check with its first offending row.
create or replace temp table ingest_send_problems as
with
    sends as (select * from ingest_sends_resolved),
    flagged as (
        select *,
            case
                when campaign_id is null then 'unknown_campaign'
                when not is_known_user then 'unknown_user'
                when arm is null then 'not_in_plan'
                when plan_variant is null then 'unknown_variant'
                when sent_at < planned_at then 'before_plan'
                when stored_variant is not null and (stored_variant <> plan_variant or stored_sent_at <> sent_at
                    or stored_unsubscribed_at is distinct from unsubscribed_at) then 'already_sent'
                when stored_variant is not null then 'already_stored'
            end as error_check,
            case
                when arm = 'holdout' then 'holdout_sent'
                when arm <> plan_variant then 'other_variant'
                when sent_at >= end_day + 1 then 'after_window'
            end as warning_check
        from sends
    ),
    errors as (
        select error_check as check_name, count(*) as count_rows, min(source_row) as first_row,
            arg_min(
                case error_check
                    when 'unknown_campaign' then campaign
                    when 'unknown_user' then user_id
                    when 'not_in_plan' then user_id || ' (campaign ' || campaign_id || ')'
                    when 'unknown_variant' then variant
                    when 'before_plan' then cast(sent_at as varchar) || ' < planned ' || cast(planned_at as varchar)
                    else user_id || ' (already sent ' || stored_variant || ' at ' || cast(stored_sent_at as varchar) || ')'
                end,
                source_row
            ) as found
        from flagged
        where error_check is not null
        group by error_check
    ),
    warnings as (
        select warning_check as check_name, count(*) as count_rows, min(source_row) as first_row,
            arg_min(
                case warning_check
                    when 'after_window' then user_id || ' at ' || cast(sent_at as varchar) || ', after the window ended on '
                        || cast(end_day as varchar)
                    else user_id || ' (drawn ' || arm || ', sent ' || plan_variant || ')'
                end,
                source_row
            ) as found
        from flagged
        where error_check is null and warning_check is not null
        group by warning_check
    ),
    final as (
        select * from errors
        union all
        select * from warnings
    )
select * from final

-- Append the users of one demo chunk (Arrow table demo_chunk_users, integer ids).
with
    chunk as (select * from demo_chunk_users),
    final as (
        select
            'u' || lpad(cast(user_n as varchar), 8, '0') as user_id,
            first_seen,
            country,
            marketing_consent,
            demo_type
        from chunk
    )
insert into users (user_id, first_seen, country, marketing_consent, demo_type)
select * from final

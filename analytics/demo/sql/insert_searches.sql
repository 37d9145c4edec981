-- Append the searches of one demo chunk (Arrow table demo_chunk_searches, integer ids).
with
    chunk as (select * from demo_chunk_searches),
    final as (
        select
            'u' || lpad(cast(user_n as varchar), 8, '0') as user_id,
            's' || lpad(cast(session_n as varchar), 9, '0') as session_id,
            query,
            searched_at,
            $import_id as import_id
        from chunk
    )
insert into searches (user_id, session_id, query, searched_at, import_id)
select * from final

-- UCI customers: CustomerID (written as 17850.0 in the file), the country they buy from most,
-- and their first invoice (UK local time converted to UTC).
with
    source as (select * from raw_online_retail),
    typed as (
        select
            cast(cast(nullif(trim(CustomerID), '') as double) as bigint)::varchar as user_id,
            nullif(trim(Country), '') as country,
            try_strptime(trim(InvoiceDate), $time_formats) as local_time
        from source
    ),
    final as (
        select
            user_id,
            min(timezone('UTC', timezone('Europe/London', local_time))) as first_seen,
            mode(country) as country
        from typed
        where user_id is not null
        group by user_id
    )
select * from final

-- UCI invoice totals (one row per invoice, no products) -> one purchase event per invoice with
-- no product, quantity 1 and the invoice total as its price, so revenue and orders are right.
-- The day has no time: it is stored as midnight UTC of that day (never shifted to another day).
with
    source as (select * from raw_online_retail_invoices),
    final as (
        select
            cast(try_strptime(trim(InvoiceDate), $date_formats) as timestamp) as event_time,
            'purchase' as event_type,
            cast(cast(nullif(trim(CustomerID), '') as double) as bigint)::varchar as user_id,
            cast(null as varchar) as product_id,
            1 as quantity,
            round(cast(trim(TotalPrice) as double), 2) as price,
            'GBP' as currency,
            trim(InvoiceNo) as order_id
        from source
    )
select * from final

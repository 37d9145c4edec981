-- UCI Online Retail invoice lines -> canonical events (GBP). An invoice is an order; a 'C'
-- invoice is a credit note, so its lines are refunds. Left out: bad-debt adjustments ('A'
-- invoices) and stock adjustments (a quantity of 0 or less on an ordinary invoice: no customer,
-- no price). Lines of one invoice with the same product and unit price are one event with their
-- quantities summed, which keeps every invoice total exact (docs/IMPORTING.md, "Duplicates").
-- InvoiceDate is UK local time; lines without a CustomerID stay anonymous, one session per invoice.
with
    source as (select * from raw_online_retail),
    typed as (
        select
            trim(InvoiceNo) as invoice,
            trim(StockCode) as product_id,
            cast(trim(Quantity) as bigint) as quantity,
            try_strptime(trim(InvoiceDate), $time_formats) as local_time,
            cast(trim(UnitPrice) as double) as price,
            cast(cast(nullif(trim(CustomerID), '') as double) as bigint)::varchar as user_id
        from source
    ),
    kept as (
        select * from typed
        where not starts_with(invoice, 'A') and (starts_with(invoice, 'C') or quantity > 0)
    ),
    lines as (
        select
            timezone('UTC', timezone('Europe/London', local_time)) as event_time,
            case when starts_with(invoice, 'C') then 'refund' else 'purchase' end as event_type,
            user_id,
            product_id,
            abs(quantity) as quantity,
            price,
            invoice as order_id
        from kept
    ),
    merged as (
        select event_time, event_type, user_id, product_id, price, order_id, sum(quantity) as quantity
        from lines
        group by all
    ),
    final as (
        select
            event_time,
            event_type,
            user_id,
            case when user_id is null then 'invoice-' || order_id end as session_id,
            product_id,
            quantity,
            price,
            'GBP' as currency,
            order_id
        from merged
    )
select * from final

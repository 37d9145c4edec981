-- UCI products: the stock code, its most frequent description as title and the latest unit price
-- above zero. Bad-debt adjustment lines ('A' invoices) name no product and are left out.
with
    source as (select * from raw_online_retail),
    typed as (
        select
            trim(StockCode) as product_id,
            nullif(trim(Description), '') as title,
            cast(trim(UnitPrice) as double) as price,
            try_strptime(trim(InvoiceDate), $time_formats) as local_time,
            trim(InvoiceNo) as invoice
        from source
    ),
    products as (select * from typed where not starts_with(invoice, 'A')),
    final as (
        select
            product_id,
            mode(title) as title,
            arg_max(price, local_time) filter (where price > 0) as price
        from products
        group by product_id
    )
select * from final

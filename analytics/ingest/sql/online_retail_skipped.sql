-- The UCI lines the importer leaves out, counted by reason (stored with the import).
with
    source as (select trim(InvoiceNo) as invoice, cast(trim(Quantity) as bigint) as quantity from raw_online_retail),
    final as (
        select
            count(*) filter (where starts_with(invoice, 'A')) as bad_debt_lines,
            count(*) filter (where not starts_with(invoice, 'A') and not starts_with(invoice, 'C') and quantity <= 0)
                as stock_adjustment_lines
        from source
    )
select * from final

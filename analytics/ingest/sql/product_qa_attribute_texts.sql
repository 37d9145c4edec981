-- The distinct raw attribute strings of a Q&A evidence file, to be made readable in Python.
with
    attributes as (
        select distinct trim(candidate, E' \t\r\n') as raw_text
        from raw_product_qa
        where lower(trim("source")) = 'attribute' and nullif(trim(candidate), '') is not null
    ),
    final as (select raw_text from attributes)
select * from final

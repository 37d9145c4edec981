-- The fitted CLV models per currency with their holdout check on the shop's own history.
with
    models as (select * from mart_clv_models),
    final as (select * from models)
select * from final
order by count_customers desc, currency

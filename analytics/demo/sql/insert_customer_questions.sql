-- The demo customers' questions to the assistant (demo_customer_questions), unanswered: the demo
-- build then runs `answer-questions`, which sets their topics and answers them.
with
    asked as (select * from demo_customer_questions),
    final as (select question_id, product_id, user_id, question, asked_at, 'demo' as source from asked)
insert into question_log (question_id, product_id, user_id, question, asked_at, source)
select * from final
on conflict (question_id) do nothing

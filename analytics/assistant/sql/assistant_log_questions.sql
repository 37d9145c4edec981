-- Add the registered new_questions to the question log; a question already logged stays as it is.
insert into question_log (
    question_id, product_id, user_id, question, asked_at, source, qa_id, topic,
    verdict, confidence, answered_by, answered_at
)
select
    question_id, product_id, user_id, question, asked_at, source, qa_id, topic,
    verdict, confidence, answered_by, answered_at
from new_questions
on conflict (question_id) do nothing

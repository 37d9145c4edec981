-- Every logged question with its topic, for recomputing topics when the rules change.
select question_id, question, topic
from question_log
order by question_id

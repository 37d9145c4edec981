-- Set the topics of the registered new_topics (question_id, topic).
update question_log
set topic = t.topic
from new_topics as t
where question_log.question_id = t.question_id

-- Record the registered new_answers (question_id, verdict, confidence) as answered by $answered_by.
update question_log
set verdict = a.verdict, confidence = a.confidence, answered_by = $answered_by, answered_at = $answered_at
from new_answers as a
where question_log.question_id = a.question_id

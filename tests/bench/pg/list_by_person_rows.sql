-- Meetings a person took part in, first page of page_size, oldest first;
-- returns the meeting rows only
-- (participants left out): a lower bound on PostgreSQL's cost.
-- Variables (pgbench -D): n_persons, page_size.
\set person random(0, :n_persons - 1)
SELECT m.*
  FROM (SELECT meeting_id, local_date, start_time
          FROM participants
         WHERE person_id = :person
         ORDER BY local_date, start_time, meeting_id
         LIMIT :page_size) x
  JOIN meetings m ON m.id = x.meeting_id
 ORDER BY x.local_date, x.start_time, x.meeting_id;

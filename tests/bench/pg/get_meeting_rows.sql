-- Get by id: the meeting row only (participants left out): a lower bound on PostgreSQL's cost.
-- Variables (pgbench -D): n_meetings.
\set id random(0, :n_meetings - 1)
SELECT m.*
  FROM meetings m
 WHERE m.id = :id;

-- Meetings on one local date, first page of page_size; returns the meeting
-- rows only (participants left out): a lower bound on PostgreSQL's cost.
-- Variables (pgbench -D): first_epoch_day, n_days, page_size.
\set day :first_epoch_day + random(0, :n_days - 1)
SELECT m.*
  FROM meetings m
 WHERE m.local_start_date = date '1970-01-01' + :day::integer
 ORDER BY m.start_time, m.id
 LIMIT :page_size;

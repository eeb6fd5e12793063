-- Meetings of an organization in a window of org_window_days local days,
-- first page of page_size, oldest first; returns the meeting rows only
-- (participants left out): a lower bound on PostgreSQL's cost.
-- Variables (pgbench -D): n_orgs, first_epoch_day, org_window_starts,
-- org_window_days, page_size.
\set org random(0, :n_orgs - 1)
\set lo :first_epoch_day + random(0, :org_window_starts - 1)
\set hi :lo + :org_window_days - 1
SELECT m.*
  FROM (SELECT meeting_id, local_date, start_time
          FROM meeting_organizations
         WHERE organization_id = :org
           AND local_date BETWEEN date '1970-01-01' + :lo::integer
                              AND date '1970-01-01' + :hi::integer
         ORDER BY local_date, start_time, meeting_id
         LIMIT :page_size) o
  JOIN meetings m ON m.id = o.meeting_id
 ORDER BY o.local_date, o.start_time, o.meeting_id;

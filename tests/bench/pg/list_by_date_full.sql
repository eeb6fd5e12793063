-- Meetings on one local date, first page of page_size, with the same
-- content as ListMeetings: the page's meeting rows, then their participants
-- (see list_by_organization_full.sql).
-- Variables (pgbench -D): first_epoch_day, n_days, page_size.
\set day :first_epoch_day + random(0, :n_days - 1)
SELECT m.*
  FROM meetings m
 WHERE m.local_start_date = date '1970-01-01' + :day::integer
 ORDER BY m.start_time, m.id
 LIMIT :page_size;
SELECT p.meeting_id, p.participant_id, p.person_id, p.group_description, p.group_organization_id,
       p.group_member_count, p.roles, p.title, p.position, p.on_behalf_of_id, p.site_id,
       p.attendance
  FROM (SELECT id
          FROM meetings
         WHERE local_start_date = date '1970-01-01' + :day::integer
         ORDER BY start_time, id
         LIMIT :page_size) d
  JOIN participants p ON p.meeting_id = d.id;

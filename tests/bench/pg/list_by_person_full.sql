-- Meetings a person took part in, first page of page_size, oldest first,
-- with the same content as ListMeetings: the page's meeting rows, then
-- their participants (see list_by_organization_full.sql).
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
SELECT p.meeting_id, p.participant_id, p.person_id, p.group_description, p.group_organization_id,
       p.group_member_count, p.roles, p.title, p.position, p.on_behalf_of_id, p.site_id,
       p.attendance
  FROM (SELECT meeting_id, local_date, start_time
          FROM participants
         WHERE person_id = :person
         ORDER BY local_date, start_time, meeting_id
         LIMIT :page_size) x
  JOIN participants p ON p.meeting_id = x.meeting_id;

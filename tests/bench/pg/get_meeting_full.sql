-- Get by id, the same content as GetMeeting: the meeting row, then its
-- participants (the fields of meetings.v1.Participant), in one transaction.
-- Two statements, rows as text: the fastest of the forms tried (json_agg
-- of the participants in a subquery was 2x slower; array_agg of records
-- in between), so PostgreSQL gets its best shot.
-- Variables (pgbench -D): n_meetings.
\set id random(0, :n_meetings - 1)
SELECT m.*
  FROM meetings m
 WHERE m.id = :id;
SELECT p.participant_id, p.person_id, p.group_description, p.group_organization_id,
       p.group_member_count, p.roles, p.title, p.position, p.on_behalf_of_id, p.site_id,
       p.attendance
  FROM participants p
 WHERE p.meeting_id = :id
 ORDER BY p.participant_id;

-- Built after COPY (faster than maintaining them row by row), then the
-- statistics and visibility map the planner needs.
ALTER TABLE participants ADD PRIMARY KEY (meeting_id, participant_id);
ALTER TABLE documents ADD PRIMARY KEY (meeting_id, id);
-- Organization + local date + start (the organization's meetings by date).
ALTER TABLE meeting_organizations
  ADD PRIMARY KEY (organization_id, local_date, start_time, meeting_id);
-- Local date (meetings on a date).
CREATE INDEX meetings_by_date ON meetings (local_start_date, start_time, id);
-- Person + date (meetings of a person).
CREATE INDEX participants_by_person ON participants (person_id, local_date, start_time, meeting_id)
  WHERE person_id IS NOT NULL;

-- The meeting-records data model as a developer would build it on
-- PostgreSQL 15: one table per entity, a link table per many-to-many
-- relation, the parts that live and die with a meeting (sites, agenda,
-- decisions, contributions, sources) as jsonb. Loaded by COPY from the files
-- `meetings_datagen --tsv_dir` writes (same columns, same order).
--
-- Ids are the data generator's record indexes (the service's ids are
-- "m<index>", "p<index>" and organization slugs, kept in `slug`).

CREATE TABLE organizations (
  id             integer PRIMARY KEY,
  slug           text NOT NULL UNIQUE,
  display_name   text NOT NULL,
  short_name     text,
  classification smallint NOT NULL,
  parent_id      integer REFERENCES organizations (id),
  province       text
);

CREATE TABLE persons (
  id                 bigint PRIMARY KEY,
  slug               text NOT NULL,
  full_name          text NOT NULL,
  family_name        text,
  given_name         text,
  honorific_prefixes text[] NOT NULL
);

CREATE TABLE meetings (
  id                 bigint PRIMARY KEY,
  slug               text NOT NULL,
  title              text NOT NULL,
  kind               smallint NOT NULL,
  description        text,
  status             smallint NOT NULL,
  format             smallint NOT NULL,
  start_time         timestamptz NOT NULL,
  end_time           timestamptz,
  time_zone          text NOT NULL,
  local_start_date   date NOT NULL,
  local_end_date     date NOT NULL,
  organizer_ids      integer[] NOT NULL,
  participating_ids  integer[] NOT NULL,
  sites              jsonb NOT NULL,
  agenda_items       jsonb NOT NULL,
  decisions          jsonb NOT NULL,
  contributions      jsonb NOT NULL,
  sources            jsonb NOT NULL,
  create_time        timestamptz NOT NULL,
  update_time        timestamptz NOT NULL,
  etag               text NOT NULL
);

-- One row per participant; the meeting's local date and start are copied in
-- so that "meetings of a person" is one index range scan.
CREATE TABLE participants (
  meeting_id            bigint NOT NULL,
  participant_id        text NOT NULL,
  person_id             bigint,
  group_description     text,
  group_organization_id integer,
  group_member_count    integer,
  roles                 smallint[] NOT NULL,
  title                 text,
  position              text,
  on_behalf_of_id       integer,
  site_id               text,
  attendance            smallint NOT NULL,
  local_date            date NOT NULL,
  start_time            timestamptz NOT NULL
);

-- The organizations a meeting is listed under (organizers, participating
-- organizations, site hosts, organizations participants act for), as the
-- service indexes them.
CREATE TABLE meeting_organizations (
  organization_id integer NOT NULL,
  meeting_id      bigint NOT NULL,
  local_date      date NOT NULL,
  start_time      timestamptz NOT NULL
);

CREATE TABLE documents (
  meeting_id              bigint NOT NULL,
  id                      text NOT NULL,
  title                   text NOT NULL,
  type                    smallint NOT NULL,
  status                  smallint NOT NULL,
  version                 text,
  period_start_date       date,
  period_end_date         date,
  presenter_id            bigint,
  author_organization_ids integer[] NOT NULL,
  summary                 text,
  files                   jsonb NOT NULL
);

-- schema.sql - the link monitor's store: one schema for SQLite and
-- PostgreSQL, as numbered migrations applied in order (never edit a
-- migration once released; add the next one). @ID@ is the dialect's
-- auto-increment primary key. Times are Unix seconds.

-- migration 1
CREATE TABLE sources (
  id @ID@,
  url TEXT NOT NULL UNIQUE,
  cite_id TEXT,
  family TEXT,
  host TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'new',
  status TEXT,
  http_status INTEGER NOT NULL DEFAULT 0,
  final_url TEXT,
  added BIGINT NOT NULL,
  since BIGINT NOT NULL,
  last_checked BIGINT NOT NULL DEFAULT 0,
  next_due BIGINT NOT NULL,
  interval_s BIGINT NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  last_fail BIGINT NOT NULL DEFAULT 0,
  checks BIGINT NOT NULL DEFAULT 0,
  base_len BIGINT,
  base_sha TEXT,
  base_title TEXT,
  last_len BIGINT,
  last_sha TEXT,
  last_title TEXT,
  spark TEXT NOT NULL DEFAULT ''
);
-- picking the next batch due is a range scan of this index, not a table scan
CREATE INDEX sources_due ON sources (next_due);
CREATE INDEX sources_state ON sources (state);

-- which documents cite a source, and where
CREATE TABLE citing (
  source_id BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  doc TEXT NOT NULL,
  doc_date TEXT,
  spans TEXT NOT NULL DEFAULT '',
  added BIGINT NOT NULL,
  PRIMARY KEY (source_id, doc)
);
CREATE INDEX citing_doc ON citing (doc);

-- every check result
CREATE TABLE checks (
  id @ID@,
  source_id BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  status TEXT NOT NULL,
  http_status INTEGER NOT NULL DEFAULT 0,
  final_url TEXT,
  content_length BIGINT,
  sha256 TEXT,
  title TEXT,
  etag TEXT,
  elapsed_ms BIGINT NOT NULL DEFAULT 0,
  error TEXT,
  drift INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX checks_source ON checks (source_id, id);

-- state changes, each tied to the check that caused it
CREATE TABLE transitions (
  id @ID@,
  source_id BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  check_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  old_state TEXT NOT NULL,
  new_state TEXT NOT NULL
);
CREATE INDEX transitions_source ON transitions (source_id, id);
CREATE INDEX transitions_check ON transitions (check_id);

-- archived copies of dead or drifted sources, per citing document date
CREATE TABLE archives (
  source_id BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  for_date TEXT NOT NULL,
  archived_url TEXT NOT NULL,
  archived_at TEXT,
  fetched BIGINT NOT NULL,
  PRIMARY KEY (source_id, for_date)
);

-- migration 2
-- the outbox: one link.changed per transition, written in the transaction
-- of its check and deleted once published, so that a crash between the
-- commit and the publish loses no event (the next start publishes what is
-- left: at least once; check_id is the event's id for subscribers). An
-- event of a source no longer watched goes with it.
CREATE TABLE outbox (
  id @ID@,
  check_id BIGINT NOT NULL,
  source_id BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  cite_id TEXT,
  old_state TEXT NOT NULL,
  new_state TEXT NOT NULL,
  status TEXT,
  http_status INTEGER NOT NULL DEFAULT 0,
  at BIGINT NOT NULL
);

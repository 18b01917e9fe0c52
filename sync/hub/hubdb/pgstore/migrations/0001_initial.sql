-- The hub's core state: users and hashed tokens, client bindings with their
-- last processed mutation id, per-scope heads and tombstone horizons, and
-- each record's current version (envelope bytes as a pull sends them).

CREATE TABLE meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);
-- The epoch names this data set; cursors from another epoch get 410 reset.
INSERT INTO meta (key, value) VALUES ('epoch', substr(md5(random()::text || clock_timestamp()::text), 1, 16));

CREATE TABLE users (
	id         text PRIMARY KEY,
	email      text NOT NULL,
	role       text NOT NULL,
	created_at timestamptz NOT NULL,
	revoked    boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX users_live_email ON users (lower(email)) WHERE NOT revoked;

CREATE TABLE tokens (
	hash    bytea PRIMARY KEY,
	user_id text NOT NULL REFERENCES users (id)
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE clients (
	client_id        text PRIMARY KEY,
	user_id          text NOT NULL,
	last_mutation_id bigint NOT NULL DEFAULT 0
);

-- One row per scope. Its row lock serialises the scope's writers: the next
-- seq is taken from head inside the committing transaction, so seq order is
-- commit order on every replica (never a SEQUENCE; sync-protocol.md).
CREATE TABLE scopes (
	scope   text PRIMARY KEY,
	head    bigint NOT NULL DEFAULT 0,
	horizon bigint NOT NULL DEFAULT 0
);

CREATE TABLE records (
	id         text PRIMARY KEY,
	scope      text NOT NULL,
	seq        bigint NOT NULL,
	deleted    boolean NOT NULL,
	updated_at timestamptz NOT NULL,
	envelope   bytea NOT NULL,
	hub        bytea NOT NULL
);
CREATE UNIQUE INDEX records_scope_seq ON records (scope, seq);
CREATE INDEX records_tombstones ON records (scope, updated_at) WHERE deleted;

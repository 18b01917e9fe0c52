-- The hub's small state (webhooks, seen steps, the pseudonym secret, the
-- insights projection …) as namespaced documents, and durable work queues.
-- Keys sort by their bytes (COLLATE "C"), as the interface promises.

CREATE TABLE docs (
	ns    text NOT NULL,
	key   text COLLATE "C" NOT NULL,
	value bytea NOT NULL,
	PRIMARY KEY (ns, key)
);

-- A job is pending (worker = '' or its lease expired), leased (worker set,
-- lease_until in the future) or dead. n orders the jobs of one key.
CREATE TABLE jobs (
	queue       text NOT NULL,
	id          text NOT NULL,
	key         text COLLATE "C" NOT NULL,
	n           bigint GENERATED ALWAYS AS IDENTITY,
	payload     bytea NOT NULL,
	attempts    integer NOT NULL DEFAULT 0,
	created_at  timestamptz NOT NULL DEFAULT now(),
	not_before  timestamptz NOT NULL DEFAULT now(),
	worker      text NOT NULL DEFAULT '',
	lease_until timestamptz,
	last_error  text NOT NULL DEFAULT '',
	dead        boolean NOT NULL DEFAULT false,
	PRIMARY KEY (queue, id)
);
CREATE INDEX jobs_live_by_key ON jobs (queue, key, n) WHERE NOT dead;

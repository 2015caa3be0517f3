-- 0003: the change log of issue 14 (SPEC §3 invariant 13). {schema} is
-- replaced by the quoted schema name. The conventions of 0001 hold.

-- Every committed transaction records, in its own row of changes, the batch
-- its command emitted (cabinet.Tx.Emit) and the keys of every record it
-- wrote, as they were and as they are (cabinet.Key).
ALTER TABLE {schema}.changes
	ADD COLUMN batch_at timestamptz,                      -- cabinet.Batch.At
	ADD COLUMN actor    text COLLATE "C" NOT NULL DEFAULT '', -- cabinet.Batch.Actor
	ADD COLUMN host     text NOT NULL DEFAULT '',             -- cabinet.Batch.Host
	ADD COLUMN events   jsonb,  -- [{"name": EventName, "data": the event}], NULL when none
	ADD COLUMN keys     text[]; -- "kind:id" (cabinet.Key.String), sorted, unique

-- The retention horizon: every change at or below pruned_through is gone
-- from the log (pruned, or written before this migration without events
-- nor keys); a reader positioned below it must reload. One row.
CREATE TABLE {schema}.change_log (
	one            boolean PRIMARY KEY DEFAULT true CHECK (one),
	pruned_through bigint  NOT NULL
);
INSERT INTO {schema}.change_log (pruned_through)
SELECT coalesce(max(revision), 0) FROM {schema}.changes;

-- The delivery cursors that hosts persist (Store.DeliveryCursor): the
-- revision up to which a named delivery has handed every batch to its
-- sinks. The change log keeps every change after the lowest of them.
CREATE TABLE {schema}.delivery_cursors (
	name     text COLLATE "C" PRIMARY KEY,
	revision bigint      NOT NULL,
	saved_at timestamptz NOT NULL
);

-- 0006: the change log's events are stored as json, not jsonb (issue 15).
-- {schema} is replaced by the quoted schema name. The conventions of 0001
-- hold.
--
-- Nothing queries inside changes.events: the store writes it whole at each
-- commit and Changes reads it whole, decoding it in Go. jsonb made
-- PostgreSQL parse every batch's events into its binary form on insert and
-- print them again on read — an import batch of 10,000 records carries
-- megabytes of events — for no query that uses it; json only checks the
-- syntax and keeps the text as the store wrote it. Existing rows are
-- converted (their text is jsonb's normalised form, which decodes the
-- same).
ALTER TABLE {schema}.changes ALTER COLUMN events TYPE json USING events::json;

-- The events of a batch are one large value, and so are its keys (an
-- import batch names tens of thousands), compressed when stored out of
-- line (TOAST): lz4 compresses several times faster than the default pglz. Only a server built with lz4 (PostgreSQL 14 or later,
-- configured --with-lz4, as the usual packages are) offers it; elsewhere
-- the column keeps the default compression.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
		EXECUTE 'ALTER TABLE {schema}.changes ALTER COLUMN events SET COMPRESSION lz4, ALTER COLUMN keys SET COMPRESSION lz4';
	END IF;
END
$$;

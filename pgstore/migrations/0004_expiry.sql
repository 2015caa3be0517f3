-- 0004: time-bound access (issue 16, an extension of SPEC v2). An external
-- advisor's grant and a direct assignment may carry an expiry: the route
-- is open iff now < expires_at; NULL is no expiry (every row of an earlier
-- schema). {schema} is replaced by the quoted schema name. The conventions
-- of 0001 hold.

ALTER TABLE {schema}.grants ADD COLUMN expires_at timestamptz;
ALTER TABLE {schema}.direct_assignments ADD COLUMN expires_at timestamptz;

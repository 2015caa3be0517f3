-- 0005: the change log's "account" keys (issue 15). A user's own records —
-- the account, a collaborator, a collaborator-group membership, a direct
-- assignment — now name, besides the user ("user:id"), the user's account
-- ("account:id", cabinet.KeyAccount), and the policy engine reads a user's
-- account and lists again only for an account key. A change recorded before
-- this migration names no account: every retained change that names a user
-- is given the account key of each user it names, the reading the engine
-- made of it before (so an engine following the log across the upgrade
-- misses nothing), and the version it records keeps a build without the
-- kind from reading keys it cannot parse. "account" is the last kind
-- (cabinet.CompareKeys), so the new keys go at the end, in the order of the
-- user keys they copy, and the array stays sorted. {schema} is replaced by
-- the quoted schema name. The conventions of 0001 hold.

UPDATE {schema}.changes SET keys = keys || ARRAY(
	SELECT 'account:' || substr(k, 6)
	FROM unnest(keys) WITH ORDINALITY AS u(k, n)
	WHERE starts_with(k, 'user:')
	ORDER BY n)
WHERE EXISTS (SELECT 1 FROM unnest(keys) AS u(k) WHERE starts_with(k, 'user:'));

-- 0002: the records of SPEC v2 (issues 11 and 12), and the data of a
-- version-1 schema carried over to them. {schema} is replaced by the quoted
-- schema name. The conventions of 0001 hold.

-- team ---------------------------------------------------------------------

-- TEAM-1: a team created for someone else waits for its lead's acceptance;
-- Reader.ListTeams with TeamFilter.PendingLead lists them by lead.
ALTER TABLE {schema}.teams ADD COLUMN pending boolean NOT NULL DEFAULT false;
CREATE INDEX teams_pending_lead ON {schema}.teams (lead_id, id) WHERE pending;

-- TEAM-6 v2: a personal team's label is derived from its owner's display
-- name when read (team.PersonalTeamName), never stored.
UPDATE {schema}.teams SET name = '' WHERE personal;

-- ResendInvitation's time (zero: never resent).
ALTER TABLE {schema}.invitations ADD COLUMN resent_at timestamptz;

-- TEAM-9 v2: one consent switch per dossier. A referral's consent is no
-- longer stored: every reader derives it from its dossier's record (given
-- when there is none).
CREATE TABLE {schema}.dossier_consents (
	dossier_id text COLLATE "C" PRIMARY KEY,
	state      smallint NOT NULL,
	changed_by text COLLATE "C" NOT NULL,
	changed_at timestamptz
);
CREATE INDEX dossier_consents_state ON {schema}.dossier_consents (state, dossier_id);

-- Version-1 data: consent was per referral, changed by the referral's
-- client. A dossier of which any referral had consent revoked (2) stays
-- revoked — revoking closes a route, and no client of version 1 saw the
-- dossier reopen without asking — recorded with the client and the time of
-- the latest such change. Every other dossier keeps consent given, the
-- default, without a record.
INSERT INTO {schema}.dossier_consents (dossier_id, state, changed_by, changed_at)
SELECT DISTINCT ON (dossier_id) dossier_id, 2, client_id, consent_changed_at
FROM {schema}.referrals
WHERE consent = 2
ORDER BY dossier_id, consent_changed_at DESC NULLS LAST, id;

ALTER TABLE {schema}.referrals DROP COLUMN consent, DROP COLUMN consent_changed_at;

-- access -------------------------------------------------------------------

-- access.DossierFilter: by manager, by assigned collaborator, by office and
-- status (GRP-11 releases a departing collaborator through the first two;
-- the monitor of seed 003 lists by status). dossier_assigned indexes
-- dossiers.assigned by user; the store keeps it in step.
CREATE INDEX dossiers_manager ON {schema}.dossiers (manager_id, id);
CREATE INDEX dossiers_office_status ON {schema}.dossiers (office_id, status, id);

CREATE TABLE {schema}.dossier_assigned (
	dossier_id text COLLATE "C" NOT NULL,
	user_id    text COLLATE "C" NOT NULL,
	PRIMARY KEY (dossier_id, user_id)
);
CREATE INDEX dossier_assigned_user ON {schema}.dossier_assigned (user_id, dossier_id);

INSERT INTO {schema}.dossier_assigned (dossier_id, user_id)
SELECT d.id, a.user_id
FROM {schema}.dossiers d CROSS JOIN LATERAL jsonb_array_elements_text(d.assigned) AS a (user_id)
ON CONFLICT DO NOTHING;

-- ACC-8: the profession of an advisor of type other.
ALTER TABLE {schema}.advisors ADD COLUMN label text NOT NULL DEFAULT '';

-- ACC-7 v2: one grant per email key per dossier and one per account per
-- dossier. Version 1 did not keep them: a schema whose grants break them
-- cannot be migrated without choosing which grant goes, which is the
-- office's choice, not the store's. The migration then stops here (and
-- changes nothing), naming the grants to resolve.
DO $$
DECLARE
	dup text;
BEGIN
	SELECT string_agg(format('dossier %s: grants %s (%s)', dossier_id, ids, what), '; ') INTO dup
	FROM (
		SELECT dossier_id, string_agg(id, ', ' ORDER BY id) AS ids, 'same email' AS what
		FROM {schema}.grants WHERE email_key <> '' GROUP BY dossier_id, email_key HAVING count(*) > 1
		UNION ALL
		SELECT dossier_id, string_agg(id, ', ' ORDER BY id), 'same account'
		FROM {schema}.grants WHERE user_id <> '' GROUP BY dossier_id, user_id HAVING count(*) > 1
	) d;
	IF dup IS NOT NULL THEN
		RAISE EXCEPTION 'pgstore migration 0002: ACC-7 v2 allows one grant per email and per account on a dossier; revoke all but one of each of these, then migrate again: %', dup;
	END IF;
END
$$;

CREATE UNIQUE INDEX grants_dossier_email_key ON {schema}.grants (dossier_id, email_key) WHERE email_key <> '';
CREATE UNIQUE INDEX grants_dossier_user ON {schema}.grants (dossier_id, user_id) WHERE user_id <> '';

-- contact ------------------------------------------------------------------

-- A contact's phone, and the dossier and family-tree person a client
-- contact is linked to (contact.ContactFilter.Dossier and Person).
ALTER TABLE {schema}.contacts
	ADD COLUMN phone text NOT NULL DEFAULT '',
	ADD COLUMN dossier_id text COLLATE "C" NOT NULL DEFAULT '',
	ADD COLUMN person_id text COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX contacts_dossier ON {schema}.contacts (dossier_id, id) WHERE dossier_id <> '';
CREATE INDEX contacts_person ON {schema}.contacts (person_id, id) WHERE person_id <> '';

-- CON-5 v2: a unit's Leads are the contacts attached to it (what version 1
-- called buyers); its Buyers are those its sale named, nil until it is sold.
-- Version 1 converted every attached lead when a unit was sold (status 3),
-- so a sold unit's buyers are all of them.
ALTER TABLE {schema}.units ADD COLUMN leads jsonb;
UPDATE {schema}.units SET leads = buyers, buyers = CASE WHEN status = 3 THEN buyers END;

-- contact.UnitFilter (office, status, lead) and contact.PartnerFilter: the
-- lists are jsonb arrays of IDs, matched by containment (@>) through GIN.
CREATE INDEX units_office_status ON {schema}.units (office_id, status, id);
CREATE INDEX units_leads ON {schema}.units USING gin (leads jsonb_path_ops);
CREATE INDEX projects_partners ON {schema}.projects USING gin (partners jsonb_path_ops);
CREATE INDEX decisions_partners ON {schema}.decisions USING gin (partners jsonb_path_ops);

-- procedure ----------------------------------------------------------------

-- A participant's name, phone, contact and NotifiedAt, and an item state's
-- reviews, are new fields of the cases' jsonb columns (absent: zero). A
-- version-1 participant whose invitation was due (invited) was notified when
-- added: NotifiedAt = AddedAt.
UPDATE {schema}.cases SET
	recipient = CASE WHEN (recipient ->> 'invited')::boolean
		THEN recipient || jsonb_build_object('notified_at', recipient -> 'added_at')
		ELSE recipient END,
	contributors = CASE WHEN contributors IS NULL OR jsonb_array_length(contributors) = 0 THEN contributors
		ELSE (SELECT jsonb_agg(CASE WHEN (p ->> 'invited')::boolean
				THEN p || jsonb_build_object('notified_at', p -> 'added_at')
				ELSE p END ORDER BY n)
			FROM jsonb_array_elements(contributors) WITH ORDINALITY AS x (p, n)) END;

-- 0001: every table of the five packages, the change log and the revision
-- sequence. {schema} is replaced by the quoted schema name.
--
-- Conventions:
--   * identifiers and keys are text COLLATE "C", so that ORDER BY sorts them
--     byte-wise, as Go compares strings (the listings' order and cursors);
--   * enums are smallint (the Go uint8 value);
--   * a zero time.Time is NULL; other times are timestamptz (microseconds);
--   * values Go defines (cabinet.EmailKey, lower-cased search keys, the
--     awaiting-account flag) are computed in Go and stored in their own
--     columns, never derived by SQL;
--   * a partial index is only used by queries that repeat its predicate
--     (WHERE person_id = $1 AND person_id <> ''), which every lookup does;
--   * nested lists are jsonb (NULL for a nil slice), in pgstore's own
--     encoding (see pgstore/json.go); lookups into them go through side
--     tables (team_members, case_seats) that the store keeps in step.

CREATE SCHEMA IF NOT EXISTS {schema};

CREATE TABLE {schema}.schema_version (
	version    integer     PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The change log: one row per committed write transaction, whatever the
-- package. revision is taken from revision_seq at the tail of the
-- transaction under a transaction-level advisory lock, so revision order is
-- commit order. The change log of issue 14 (actor, events, keys) will add
-- its columns to this table in a later migration.
CREATE SEQUENCE {schema}.revision_seq AS bigint MINVALUE 1 NO CYCLE;

CREATE TABLE {schema}.changes (
	revision     bigint      PRIMARY KEY,
	committed_at timestamptz NOT NULL
);

-- team ---------------------------------------------------------------------

CREATE TABLE {schema}.users (
	id           text COLLATE "C" PRIMARY KEY,
	display_name text        NOT NULL,
	email        text        NOT NULL,
	email_key    text COLLATE "C" NOT NULL, -- cabinet.EmailKey(email)
	created_at   timestamptz
);
CREATE UNIQUE INDEX users_email_key ON {schema}.users (email_key);

CREATE TABLE {schema}.teams (
	id         text COLLATE "C" PRIMARY KEY,
	name       text    NOT NULL,
	personal   boolean NOT NULL,
	owner_id   text COLLATE "C" NOT NULL,
	lead_id    text COLLATE "C" NOT NULL,
	created_by text COLLATE "C" NOT NULL,
	created_at timestamptz,
	members    jsonb,
	first_team text COLLATE "C" NOT NULL
);
-- TEAM-6: one personal team per owner.
CREATE UNIQUE INDEX teams_personal_owner ON {schema}.teams (owner_id) WHERE personal;

-- team_members indexes teams.members by user (ListTeams with a member).
CREATE TABLE {schema}.team_members (
	team_id text COLLATE "C" NOT NULL,
	user_id text COLLATE "C" NOT NULL,
	PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON {schema}.team_members (user_id, team_id);

CREATE TABLE {schema}.invitations (
	id          text COLLATE "C" PRIMARY KEY,
	team_id     text COLLATE "C" NOT NULL,
	email       text     NOT NULL,
	email_key   text COLLATE "C" NOT NULL,
	role        smallint NOT NULL,
	invited_by  text COLLATE "C" NOT NULL,
	status      smallint NOT NULL,
	created_at  timestamptz,
	expires_at  timestamptz,
	accepted_by text COLLATE "C" NOT NULL,
	closed_at   timestamptz
);
CREATE INDEX invitations_team ON {schema}.invitations (team_id, id);
CREATE INDEX invitations_email_key ON {schema}.invitations (email_key, id);

CREATE TABLE {schema}.referrals (
	id                 text COLLATE "C" PRIMARY KEY,
	team_id            text COLLATE "C" NOT NULL,
	referrer_id        text COLLATE "C" NOT NULL,
	client_name        text     NOT NULL,
	client_email       text     NOT NULL,
	client_email_key   text COLLATE "C" NOT NULL,
	client_id          text COLLATE "C" NOT NULL,
	dossier_id         text COLLATE "C" NOT NULL,
	consent            smallint NOT NULL,
	created_at         timestamptz,
	consent_changed_at timestamptz
);
CREATE INDEX referrals_team ON {schema}.referrals (team_id, id);
CREATE INDEX referrals_referrer ON {schema}.referrals (referrer_id, id);
CREATE INDEX referrals_client ON {schema}.referrals (client_id, id);
CREATE INDEX referrals_client_email_key ON {schema}.referrals (client_email_key, id);
CREATE INDEX referrals_dossier ON {schema}.referrals (dossier_id, id);

-- access -------------------------------------------------------------------

CREATE TABLE {schema}.dossiers (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	name       text     NOT NULL,
	status     smallint NOT NULL,
	manager_id text COLLATE "C" NOT NULL,
	assigned   jsonb,
	created_by text COLLATE "C" NOT NULL,
	created_at timestamptz
);
CREATE INDEX dossiers_office ON {schema}.dossiers (office_id, id);

CREATE TABLE {schema}.persons (
	id         text COLLATE "C" PRIMARY KEY,
	dossier_id text COLLATE "C" NOT NULL,
	name       text     NOT NULL,
	relation   smallint NOT NULL,
	created_at timestamptz
);
CREATE INDEX persons_dossier ON {schema}.persons (dossier_id, id);

CREATE TABLE {schema}.advisors (
	id         text COLLATE "C" PRIMARY KEY,
	dossier_id text COLLATE "C" NOT NULL,
	name       text     NOT NULL,
	email      text     NOT NULL,
	phone      text     NOT NULL,
	type       smallint NOT NULL,
	created_at timestamptz
);
CREATE INDEX advisors_dossier ON {schema}.advisors (dossier_id, id);

CREATE TABLE {schema}.grants (
	id               text COLLATE "C" PRIMARY KEY,
	dossier_id       text COLLATE "C" NOT NULL,
	office_id        text COLLATE "C" NOT NULL,
	kind             smallint NOT NULL,
	person_id        text COLLATE "C" NOT NULL,
	advisor_id       text COLLATE "C" NOT NULL,
	central          boolean  NOT NULL,
	email            text     NOT NULL,
	email_key        text COLLATE "C" NOT NULL,
	phone            text     NOT NULL,
	level            smallint NOT NULL,
	user_id          text COLLATE "C" NOT NULL,
	granted_by       text COLLATE "C" NOT NULL,
	granted_at       timestamptz,
	invited_at       timestamptz,
	reminders        smallint NOT NULL,
	awaiting_account boolean  NOT NULL -- access.Grant.AwaitingAccount(), computed in Go
);
CREATE INDEX grants_dossier ON {schema}.grants (dossier_id, id);
CREATE INDEX grants_user ON {schema}.grants (user_id, id);
CREATE INDEX grants_email_key ON {schema}.grants (email_key, id);
CREATE INDEX grants_awaiting ON {schema}.grants (id) WHERE awaiting_account;
-- One grant per person of the tree, one per registered advisor (ACC-4).
CREATE UNIQUE INDEX grants_person ON {schema}.grants (person_id) WHERE person_id <> '';
CREATE UNIQUE INDEX grants_advisor ON {schema}.grants (advisor_id) WHERE advisor_id <> '';

-- clientgroup --------------------------------------------------------------

CREATE TABLE {schema}.offices (
	id         text COLLATE "C" PRIMARY KEY,
	name       text NOT NULL,
	email      text NOT NULL,
	created_by text COLLATE "C" NOT NULL,
	created_at timestamptz
);

CREATE TABLE {schema}.collaborators (
	office_id text COLLATE "C" NOT NULL,
	user_id   text COLLATE "C" NOT NULL,
	profile   smallint NOT NULL,
	added_at  timestamptz,
	PRIMARY KEY (office_id, user_id)
);
CREATE INDEX collaborators_user ON {schema}.collaborators (user_id, office_id);

CREATE TABLE {schema}.collaborator_groups (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	name       text NOT NULL,
	created_at timestamptz
);
CREATE INDEX collaborator_groups_office ON {schema}.collaborator_groups (office_id, id);

CREATE TABLE {schema}.collaborator_group_members (
	group_id  text COLLATE "C" NOT NULL,
	user_id   text COLLATE "C" NOT NULL,
	office_id text COLLATE "C" NOT NULL,
	PRIMARY KEY (group_id, user_id)
);
CREATE INDEX collaborator_group_members_user ON {schema}.collaborator_group_members (user_id, group_id);

CREATE TABLE {schema}.client_groups (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	name       text NOT NULL,
	email      text NOT NULL,
	created_at timestamptz
);
CREATE INDEX client_groups_office ON {schema}.client_groups (office_id, id);

CREATE TABLE {schema}.direct_assignments (
	client_group_id text COLLATE "C" NOT NULL,
	user_id         text COLLATE "C" NOT NULL,
	office_id       text COLLATE "C" NOT NULL,
	PRIMARY KEY (client_group_id, user_id)
);
CREATE INDEX direct_assignments_user ON {schema}.direct_assignments (user_id, client_group_id);

CREATE TABLE {schema}.group_assignments (
	client_group_id       text COLLATE "C" NOT NULL,
	collaborator_group_id text COLLATE "C" NOT NULL,
	office_id             text COLLATE "C" NOT NULL,
	PRIMARY KEY (client_group_id, collaborator_group_id)
);
CREATE INDEX group_assignments_collaborator_group ON {schema}.group_assignments (collaborator_group_id, client_group_id);

-- GRP-4: keyed by dossier, so a dossier is in at most one client group.
CREATE TABLE {schema}.placements (
	dossier_id      text COLLATE "C" PRIMARY KEY,
	office_id       text COLLATE "C" NOT NULL,
	client_group_id text COLLATE "C" NOT NULL
);
CREATE INDEX placements_client_group ON {schema}.placements (client_group_id, dossier_id);
CREATE INDEX placements_office ON {schema}.placements (office_id, dossier_id);

-- contact ------------------------------------------------------------------

CREATE TABLE {schema}.contacts (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	kind       smallint NOT NULL,
	status     smallint NOT NULL,
	first_name text     NOT NULL,
	last_name  text     NOT NULL,
	email      text     NOT NULL,
	email_key  text COLLATE "C" NOT NULL,
	company_id text COLLATE "C" NOT NULL,
	user_id    text COLLATE "C" NOT NULL,
	archived   boolean  NOT NULL,
	created_at timestamptz,
	updated_at timestamptz,
	invited_at timestamptz,
	-- The search box (contact.ContactFilter.Text): strings.ToLower of each
	-- field, matched with strpos.
	first_name_search text COLLATE "C" NOT NULL,
	last_name_search  text COLLATE "C" NOT NULL,
	email_search      text COLLATE "C" NOT NULL
);
-- CON-7: an email key is used once per office; an empty email never collides.
CREATE UNIQUE INDEX contacts_office_email_key ON {schema}.contacts (office_id, email_key) WHERE email_key <> '';
CREATE INDEX contacts_email_key ON {schema}.contacts (email_key, id) WHERE email_key <> '';
CREATE INDEX contacts_office ON {schema}.contacts (office_id, id);
CREATE INDEX contacts_company ON {schema}.contacts (company_id, id);

CREATE TABLE {schema}.companies (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	name       text NOT NULL,
	created_at timestamptz
);
CREATE INDEX companies_office ON {schema}.companies (office_id, id);

CREATE TABLE {schema}.projects (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	name       text NOT NULL,
	partners   jsonb,
	created_at timestamptz
);
CREATE INDEX projects_office ON {schema}.projects (office_id, id);

CREATE TABLE {schema}.decisions (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	title      text NOT NULL,
	partners   jsonb,
	created_at timestamptz
);
CREATE INDEX decisions_office ON {schema}.decisions (office_id, id);

CREATE TABLE {schema}.units (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	name       text     NOT NULL,
	status     smallint NOT NULL,
	buyers     jsonb,
	created_at timestamptz,
	sold_at    timestamptz
);
CREATE INDEX units_office ON {schema}.units (office_id, id);

-- contact.Session: an impersonation session (CON-6).
CREATE TABLE {schema}.contact_sessions (
	id              text COLLATE "C" PRIMARY KEY,
	office_id       text COLLATE "C" NOT NULL,
	actor_id        text COLLATE "C" NOT NULL,
	contact_id      text COLLATE "C" NOT NULL,
	contact_user_id text COLLATE "C" NOT NULL,
	started_at      timestamptz,
	expires_at      timestamptz,
	stopped_at      timestamptz
);
CREATE INDEX contact_sessions_office ON {schema}.contact_sessions (office_id, id);
CREATE INDEX contact_sessions_actor ON {schema}.contact_sessions (actor_id, id);
CREATE INDEX contact_sessions_contact ON {schema}.contact_sessions (contact_id, id);

-- procedure ----------------------------------------------------------------

CREATE TABLE {schema}.office_plans (
	office_id        text COLLATE "C" PRIMARY KEY,
	plan             smallint NOT NULL,
	boosters_from    timestamptz,
	boosters_until   timestamptz,
	trial_started_at timestamptz,
	trial_started_by text COLLATE "C" NOT NULL
);

CREATE TABLE {schema}.procedures (
	id         text COLLATE "C" PRIMARY KEY,
	office_id  text COLLATE "C" NOT NULL,
	name       text    NOT NULL,
	roles      jsonb,
	items      jsonb,
	automation boolean NOT NULL,
	created_by text COLLATE "C" NOT NULL,
	created_at timestamptz
);
CREATE INDEX procedures_office ON {schema}.procedures (office_id, id);

CREATE TABLE {schema}.cases (
	id           text COLLATE "C" PRIMARY KEY,
	office_id    text COLLATE "C" NOT NULL,
	procedure_id text COLLATE "C" NOT NULL,
	dossier_id   text COLLATE "C" NOT NULL,
	opened_by    text COLLATE "C" NOT NULL,
	opened_at    timestamptz,
	recipient    jsonb NOT NULL,
	contributors jsonb,
	items        jsonb
);
CREATE INDEX cases_office ON {schema}.cases (office_id, id);
CREATE INDEX cases_procedure ON {schema}.cases (procedure_id, id);
CREATE INDEX cases_dossier ON {schema}.cases (dossier_id, id);

-- case_seats indexes the seats of cases (seat 0 the main recipient, then the
-- contributors in order) by user and by email key.
CREATE TABLE {schema}.case_seats (
	case_id   text COLLATE "C" NOT NULL,
	seat      integer NOT NULL,
	user_id   text COLLATE "C" NOT NULL,
	email_key text COLLATE "C" NOT NULL,
	PRIMARY KEY (case_id, seat)
);
CREATE INDEX case_seats_user ON {schema}.case_seats (user_id, case_id);
CREATE INDEX case_seats_email_key ON {schema}.case_seats (email_key, case_id);

package pgstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/pgstore"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// v1Schema returns a fresh schema at version 1 (0001 only, as a host that
// ran the first release has it), and runs the statements of v1 in it, each
// "{s}" replaced by the quoted schema.
func v1Schema(t *testing.T, pool *pgxpool.Pool, v1 ...string) (quoted string, schema pgstore.Option) {
	t.Helper()
	ctx := context.Background()
	name := pgtest.Schema(t, pool)
	ms, err := pgstore.Migrations(pgstore.WithSchema(name))
	require.NoError(t, err)
	require.Equal(t, "0001_init.sql", ms[0].Name)
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, ms[0].SQL); err != nil {
			return err
		}
		for _, q := range v1 {
			if _, err := tx.Exec(ctx, strings.ReplaceAll(q, "{s}", pgx.Identifier{name}.Sanitize())); err != nil {
				return err
			}
		}
		return nil
	}))
	return pgx.Identifier{name}.Sanitize(), pgstore.WithSchema(name)
}

// Migration 0002 carries version-1 data over to the v2 records: consent
// per referral becomes one switch per dossier (TEAM-9 v2, revoked wins),
// a personal team's stored name goes (TEAM-6 v2), assigned collaborators
// are indexed (access.DossierFilter.Assigned), a unit's v1 buyers become
// its leads and, for a sold unit, its buyers (CON-5 v2), and an invited
// participant was notified when added (Participant.NotifiedAt).
func TestMigration0002CarriesVersion1Data(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	_, schema := v1Schema(t, pool,
		`INSERT INTO {s}.teams (id, name, personal, owner_id, lead_id, created_by, members, first_team)
			VALUES ('t_p', 'Ann personal', true, 'u_ann', 'u_ann', 'u_ann', '[]', ''),
			       ('t_g', 'Group', false, '', 'u_ann', 'u_ann', '[]', '')`,
		`INSERT INTO {s}.referrals (id, team_id, referrer_id, client_name, client_email, client_email_key, client_id, dossier_id, consent, created_at, consent_changed_at)
			VALUES ('r1', 't_g', 'u_ann', 'C', 'c@x.example', 'c@x.example', 'u_c1', 'd1', 2, '2026-01-01Z', '2026-01-05Z'),
			       ('r2', 't_p', 'u_ann', 'C', 'c@x.example', 'c@x.example', 'u_c1', 'd1', 1, '2026-01-01Z', NULL),
			       ('r3', 't_g', 'u_ann', 'D', 'd@x.example', 'd@x.example', 'u_c2', 'd2', 1, '2026-01-01Z', '2026-01-03Z'),
			       ('r4', 't_g', 'u_ann', 'E', 'e@x.example', 'e@x.example', 'u_c3', 'd3', 2, '2026-01-01Z', '2026-01-02Z'),
			       ('r5', 't_p', 'u_ann', 'E', 'e@x.example', 'e@x.example', 'u_c4', 'd3', 2, '2026-01-01Z', '2026-01-04Z')`,
		`INSERT INTO {s}.dossiers (id, office_id, name, status, manager_id, assigned, created_by)
			VALUES ('d1', 'o1', 'D1', 2, 'u_m', '["u_a", "u_b"]', 'u_m'), ('d2', 'o1', 'D2', 2, 'u_m', NULL, 'u_m')`,
		`INSERT INTO {s}.units (id, office_id, name, status, buyers)
			VALUES ('un_sold', 'o1', 'A', 3, '["c1", "c2"]'), ('un_res', 'o1', 'B', 2, '["c3"]'),
			       ('un_none', 'o1', 'C', 1, NULL), ('un_empty', 'o1', 'D', 1, '[]')`,
		`INSERT INTO {s}.cases (id, office_id, procedure_id, dossier_id, opened_by, recipient, contributors, items)
			VALUES ('k1', 'o1', 'p1', 'd1', 'u_m',
				'{"role": "main", "email": "r@x.example", "user": "", "added_by": "u_m", "added_at": "2026-01-02T03:04:05Z", "invited": true, "linked_at": null}',
				'[{"role": "g1", "email": "g1@x.example", "user": "", "added_by": "u_m", "added_at": "2026-01-03T00:00:00Z", "invited": false, "linked_at": null},
				  {"role": "g2", "email": "g2@x.example", "user": "", "added_by": "u_m", "added_at": "2026-01-04T00:00:00Z", "invited": true, "linked_at": null}]',
				NULL),
			('k2', 'o1', 'p1', 'd1', 'u_m',
				'{"role": "main", "email": "s@x.example", "user": "", "added_by": "u_m", "added_at": "2026-01-02T03:04:05Z", "invited": false, "linked_at": null}',
				'[]', '[]')`,
	)
	require.NoError(t, pgstore.Migrate(ctx, pool, schema))
	s, err := pgstore.New(ctx, pool, schema)
	require.NoError(t, err)
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }

	require.NoError(t, s.ViewTeams(ctx, func(r team.Reader) error {
		consents, err := cabinet.All(ctx, func(ctx context.Context, p cabinet.Page) ([]team.DossierConsent, cabinet.Cursor, error) {
			return r.ListDossierConsents(ctx, team.ConsentFilter{}, p)
		})
		require.NoError(t, err)
		assert.Equal(t, []team.DossierConsent{
			{Dossier: "d1", State: team.ConsentRevoked, ChangedBy: "u_c1", ChangedAt: day(5)},
			{Dossier: "d3", State: team.ConsentRevoked, ChangedBy: "u_c4", ChangedAt: day(4)},
		}, consents, "a dossier with a revoked referral stays revoked, with its latest change")
		for id, want := range map[cabinet.ReferralID]team.Consent{"r1": team.ConsentRevoked, "r2": team.ConsentRevoked,
			"r3": team.ConsentGiven, "r4": team.ConsentRevoked, "r5": team.ConsentRevoked} {
			ref, err := r.Referral(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, want, ref.Consent, "referral %s", id)
		}
		p, err := r.Team(ctx, "t_p")
		require.NoError(t, err)
		assert.Empty(t, p.Name, "a personal team's label is derived, not stored")
		assert.False(t, p.Pending)
		g, err := r.Team(ctx, "t_g")
		require.NoError(t, err)
		assert.Equal(t, "Group", g.Name)
		return nil
	}))
	require.NoError(t, s.ViewAccess(ctx, func(r access.Reader) error {
		ds, _, err := r.Dossiers(ctx, access.DossierFilter{Assigned: "u_b"}, cabinet.Page{})
		require.NoError(t, err)
		require.Len(t, ds, 1)
		assert.Equal(t, cabinet.DossierID("d1"), ds[0].ID)
		ds, _, err = r.Dossiers(ctx, access.DossierFilter{Manager: "u_m", Status: cabinet.DossierStatus(2)}, cabinet.Page{})
		require.NoError(t, err)
		assert.Len(t, ds, 2)
		return nil
	}))
	require.NoError(t, s.ViewContacts(ctx, func(r contact.Reader) error {
		for id, want := range map[contact.UnitID][2][]cabinet.ContactID{
			"un_sold":  {{"c1", "c2"}, {"c1", "c2"}},
			"un_res":   {{"c3"}, nil},
			"un_none":  {nil, nil},
			"un_empty": {{}, nil},
		} {
			u, err := r.Unit(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, want[0], u.Leads, "leads of %s", id)
			assert.Equal(t, want[1], u.Buyers, "buyers of %s", id)
		}
		us, _, err := r.ListUnits(ctx, contact.UnitFilter{Lead: "c3"}, cabinet.Page{})
		require.NoError(t, err)
		require.Len(t, us, 1)
		assert.Equal(t, contact.UnitID("un_res"), us[0].ID)
		return nil
	}))
	require.NoError(t, s.ViewProcedures(ctx, func(r procedure.Reader) error {
		k1, err := r.Case(ctx, "k1")
		require.NoError(t, err)
		assert.Equal(t, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), k1.Recipient.NotifiedAt)
		require.Len(t, k1.Contributors, 2)
		assert.Equal(t, procedure.RoleID("g1"), k1.Contributors[0].Role, "contributors keep their order")
		assert.True(t, k1.Contributors[0].NotifiedAt.IsZero(), "added silently: never notified")
		assert.Equal(t, day(4), k1.Contributors[1].NotifiedAt)
		assert.Nil(t, k1.Items)
		k2, err := r.Case(ctx, "k2")
		require.NoError(t, err)
		assert.True(t, k2.Recipient.NotifiedAt.IsZero())
		assert.Equal(t, []procedure.Participant{}, k2.Contributors, "an empty list stays empty")
		assert.Equal(t, []procedure.ItemState{}, k2.Items)
		return nil
	}))
}

// ACC-7 v2 allows one grant per email and per account on a dossier; a
// version-1 schema that holds two cannot be migrated without choosing one.
// Migrate stops with an error naming them and changes nothing; once the
// office resolved them, it goes through.
func TestMigration0002StopsOnDuplicateGrants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.Pool(t, 2, nil)
	grant := func(id, person, email, user string) string {
		return `INSERT INTO {s}.grants (id, dossier_id, office_id, kind, person_id, advisor_id, central, email, email_key, phone,
			level, user_id, granted_by, reminders, awaiting_account)
			VALUES ('` + id + `', 'd1', 'o1', 1, '` + person + `', '', false, '` + email + `', lower('` + email + `'), '', 1, '` + user + `', 'u_m', 0, false)`
	}
	quoted, schema := v1Schema(t, pool,
		grant("g1", "p1", "Ann@x.example", ""), grant("g2", "p2", "ann@x.example", ""),
		grant("g3", "p3", "bob@x.example", "u_bob"), grant("g4", "p4", "bob2@x.example", "u_bob"),
		grant("g5", "p5", "cy@x.example", "u_cy"))
	err := pgstore.Migrate(ctx, pool, schema)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ACC-7")
	assert.Contains(t, err.Error(), "grants g1, g2 (same email)")
	assert.Contains(t, err.Error(), "grants g3, g4 (same account)")
	assert.NotContains(t, err.Error(), "g5")
	_, err = pgstore.New(ctx, pool, schema)
	var sv *pgstore.SchemaVersionError
	require.ErrorAs(t, err, &sv)
	assert.Equal(t, 1, sv.Have, "the failed migration changed nothing")

	// The office revokes the extra grants; the migration then goes through.
	_, err = pool.Exec(ctx, "DELETE FROM "+quoted+".grants WHERE id IN ('g2', 'g4')")
	require.NoError(t, err)
	require.NoError(t, pgstore.Migrate(ctx, pool, schema))
	s, err := pgstore.New(ctx, pool, schema)
	require.NoError(t, err)

	// The indexes now hold ACC-7: a second grant to the same email or
	// account on the dossier is a conflict naming ACC-7.
	for name, g := range map[string]access.Grant{
		"same email":   {ID: "g9", Dossier: "d1", Office: "o1", Kind: access.GranteePerson, Person: "p9", Email: "ANN@x.example", Level: access.LevelReadOnly},
		"same account": {ID: "g9", Dossier: "d1", Office: "o1", Kind: access.GranteePerson, Person: "p9", Email: "z@x.example", User: "u_cy", Level: access.LevelReadOnly},
	} {
		_, err := s.UpdateAccess(ctx, func(w access.Writer) error { return w.PutGrant(ctx, g) })
		assert.ErrorIs(t, err, cabinet.ErrConflict, name)
		assert.Equal(t, "ACC-7", cabinet.RuleOf(err), name)
	}
	// Another dossier is free.
	_, err = s.UpdateAccess(ctx, func(w access.Writer) error {
		return w.PutGrant(ctx, access.Grant{ID: "g9", Dossier: "d2", Office: "o1", Kind: access.GranteePerson, Person: "p9",
			Email: "ann@x.example", User: "u_cy", Level: access.LevelReadOnly})
	})
	assert.NoError(t, err)
}

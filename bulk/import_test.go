package bulk_test

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/bulk"
	"github.com/cabinet-go/cabinet/memstore"
)

// bad is a record that fails in the transaction (its dossier is unknown),
// after the records before it in its batch were written.
var bad = bulk.Person{ID: "p_bad", Dossier: "d_none", Name: "Nobody", Relation: access.RelationChild}

// TestImportBadRecordRejectsTheWholeBatch (SPEC §3 invariant 8 for the
// import): a bad record stops the import; nothing of its batch is written,
// the batches before it are committed, and the error names its position,
// kind, key and field.
func TestImportBadRecordRejectsTheWholeBatch(t *testing.T) {
	recs := practice()
	for _, at := range []int{0, 4, 12, len(recs)} {
		for _, size := range []int{1, 5, 1000} {
			stream := append(append(append([]bulk.Record(nil), recs[:at]...), bad), recs[at:]...)
			s := newStore()
			res, err := newImporter(s).WithBatchSize(size).Import(context.Background(), host, bulk.Stream(stream...))
			var re *bulk.RecordError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, at, re.Index)
			assert.Equal(t, bulk.KindPerson, re.Kind)
			assert.Equal(t, "p_bad", re.Key)
			assert.Equal(t, "dossier", re.Field)
			assert.ErrorIs(t, err, cabinet.ErrNotFound)
			committed := at / size * size
			assert.Equal(t, committed, res.Records, "at %d, batches of %d", at, size)
			assert.Equal(t, committed/size, res.Batches)
			// The store holds exactly the committed batches.
			want := newStore()
			if committed > 0 {
				_, err = newImporter(want).Import(context.Background(), host, bulk.Stream(recs[:committed]...))
				require.NoError(t, err)
			}
			if d := cmp.Diff(dump(t, want), dump(t, s)); d != "" {
				t.Fatalf("at %d, batches of %d (-want +got):\n%s", at, size, d)
			}
			assert.Equal(t, cabinet.Revision(res.Batches), s.Revision(), "one revision per committed batch")
		}
	}
}

// TestImportStreamErrorRejectsTheBatch: an error yielded by the stream
// stops the import like a bad record: nothing of its batch is written.
func TestImportStreamErrorRejectsTheBatch(t *testing.T) {
	recs := practice()
	broken := errors.New("disk on fire")
	stream := func(yield func(bulk.Record, error) bool) {
		for i, r := range recs {
			if i == 7 {
				yield(nil, broken)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
	s := newStore()
	res, err := newImporter(s).WithBatchSize(5).Import(context.Background(), host, stream)
	require.ErrorIs(t, err, broken)
	var re *bulk.RecordError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 7, re.Index)
	assert.Equal(t, 5, res.Records)
	assert.Equal(t, 5, len(dump(t, s)), "the first batch only")
}

// TestImportTwiceConflicts is the idempotence decision: an import never
// replaces a record, so importing the same stream again stops at its
// first record with a conflict and changes nothing; resuming after a
// failure skips the Result.Records first records.
func TestImportTwiceConflicts(t *testing.T) {
	s := load(t, practice()...)
	before, rev := dump(t, s), s.Revision()
	res, err := newImporter(s).Import(context.Background(), host, bulk.Stream(practice()...))
	require.ErrorIs(t, err, cabinet.ErrConflict)
	var re *bulk.RecordError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 0, re.Index)
	assert.Equal(t, "id", re.Field)
	assert.Zero(t, res.Records)
	assert.Equal(t, rev, s.Revision())
	assert.Empty(t, cmp.Diff(before, dump(t, s)))

	// Resume: the import stops at a bad record; the host fixes it and
	// imports the rest, skipping what was committed.
	recs := practice()
	broken := append([]bulk.Record(nil), recs...)
	broken[13] = bulk.Person{ID: "p_1", Dossier: "d_1", Name: "Dan Client"} // no relation
	s2 := newStore()
	im := newImporter(s2).WithBatchSize(4)
	res, err = im.Import(context.Background(), host, bulk.Stream(broken...))
	require.ErrorIs(t, err, cabinet.ErrInvalid)
	assert.Equal(t, 12, res.Records)
	_, err = im.Import(context.Background(), host, bulk.Stream(recs[res.Records:]...))
	require.NoError(t, err)
	assert.Empty(t, cmp.Diff(dump(t, load(t, recs...)), dump(t, s2)))
}

// TestImportFailedWriteChangesNothing is invariant 8 with faults after the
// first write and cancellations part-way: a batch whose k-th write fails,
// or whose context is cancelled at it, commits nothing.
func TestImportFailedWriteChangesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 8))
	recs := practice()
	for _, rerun := range []bool{false, true} {
		for range 30 {
			s := memstore.New()
			if rerun {
				s = memstore.New(memstore.RunTwice())
			}
			first := 1 + rng.IntN(len(recs)-1)
			_, err := newImporter(s).Import(context.Background(), host, bulk.Stream(recs[:first]...))
			require.NoError(t, err)
			before, rev := dump(t, s), s.Revision()
			fault := errors.New("injected")
			if rng.IntN(2) == 0 {
				fault = context.Canceled
			}
			s.FailNextWrite(1+rng.IntN(3*(len(recs)-first)), fault)
			_, err = newImporter(s).Import(context.Background(), host, bulk.Stream(recs[first:]...))
			if !s.DisarmFault() {
				require.ErrorIs(t, err, fault)
			}
			if err != nil {
				assert.Equal(t, rev, s.Revision())
				if d := cmp.Diff(before, dump(t, s)); d != "" {
					t.Fatalf("a failed batch changed the store (-before +after):\n%s", d)
				}
			}
		}
	}
}

// TestImportEvents: each batch's events are one batch naming the host, in
// the store's change log under the batch's revision (cabinet.Tx.Emit),
// from which a host's sink receives it, with the events of the services
// that create such records.
func TestImportEvents(t *testing.T) {
	var sink cabinet.EventLog
	s := memstore.New(memstore.RunTwice(), memstore.Deliver(&sink))
	res, err := newImporter(s).WithBatchSize(10).Import(context.Background(), host, bulk.Stream(practice()...))
	require.NoError(t, err)
	assert.Equal(t, 3, res.Batches)
	published := sink.Batches()
	require.Len(t, published, 3)
	var logged []cabinet.Batch
	for c, err := range s.Changes(context.Background(), 0) {
		require.NoError(t, err)
		logged = append(logged, c.Batch)
	}
	require.Len(t, logged, 3)
	for i := range logged {
		assert.Equal(t, host, logged[i].Host)
		assert.Empty(t, logged[i].Actor)
		assert.Equal(t, cabinet.Revision(i+1), logged[i].Revision)
		assert.Equal(t, logged[i], published[i], "the sink gets the batch of the change log")
	}
	assert.Equal(t, res.Revision, logged[2].Revision)
	want := []string{
		"team.user_created", "team.team_created", "team.user_created", "team.team_created",
		"team.user_created", "team.team_created", "team.user_created", "team.team_created",
		"clientgroup.office_created", "clientgroup.collaborator_added",
		"clientgroup.collaborator_added", "clientgroup.collaborator_added",
		"clientgroup.collaborator_group_created", "clientgroup.collaborator_group_member_added",
		"clientgroup.client_group_created", "clientgroup.collaborator_assigned", "clientgroup.collaborator_group_assigned",
		"access.dossier_created", "clientgroup.dossier_moved", "access.person_added", "access.person_added",
		"access.advisor_registered", "access.grant_created", "access.grant_created",
		"access.dossier_created", "team.consent_withdrawn",
		"contact.company_created", "contact.contact_created", "contact.partner_attached",
		"contact.contact_created", "contact.contact_linked",
		"team.team_created", "team.member_joined", "team.referral_created",
	}
	assert.Equal(t, want, sink.Names())
}

// TestImportWithInvitationsACC5: by default an imported grant sends
// nothing (GrantCreated only); WithInvitations notifies a linked grantee
// and invites an unlinked one never invited, as GrantPerson does (ACC-5).
func TestImportWithInvitationsACC5(t *testing.T) {
	recs := append(practice(), bulk.Grant{ID: "gr_3", Person: "p_2", Email: "dana@home.example", Phone: "+33612345678", Level: access.LevelReadOnly})
	for _, invite := range []bool{false, true} {
		var sink cabinet.EventLog
		s := memstore.New(memstore.RunTwice(), memstore.Deliver(&sink))
		im := newImporter(s)
		if invite {
			im = im.WithInvitations()
		}
		_, err := im.Import(context.Background(), host, bulk.Stream(recs...))
		require.NoError(t, err)
		var notices []string
		for _, e := range sink.Events() {
			switch e := e.(type) {
			case access.AccessNotified:
				notices = append(notices, "notified "+string(e.Grant))
			case access.InvitationSent:
				notices = append(notices, "invited "+string(e.Grant))
			}
		}
		g3 := grantOf(t, s, "gr_3")
		if !invite {
			assert.Empty(t, notices)
			assert.True(t, g3.InvitedAt.IsZero())
			continue
		}
		assert.Equal(t, []string{"notified gr_1", "invited gr_3"}, notices, "gr_2 was invited before the import")
		assert.Equal(t, epoch, g3.InvitedAt, "reminders count from the import")
		assert.True(t, g3.AwaitingAccount())
	}
}

func grantOf(t *testing.T, s *memstore.Store, id access.GrantID) access.Grant {
	var g access.Grant
	require.NoError(t, s.ViewAccess(context.Background(), func(r access.Reader) error {
		var err error
		g, err = r.Grant(context.Background(), id)
		return err
	}))
	return g
}

// TestImportHostAndNilRecord: the import is host-driven (an empty host is
// invalid) and a nil record is invalid, at its position.
func TestImportHostAndNilRecord(t *testing.T) {
	s := newStore()
	_, err := newImporter(s).Import(context.Background(), "", bulk.Stream(practice()...))
	require.ErrorIs(t, err, cabinet.ErrInvalid)
	assert.Equal(t, "host", cabinet.FieldOf(err))
	_, err = newImporter(s).Import(context.Background(), host, bulk.Stream(practice()[0], nil))
	var re *bulk.RecordError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 1, re.Index)
	assert.Equal(t, "record", re.Field)
	assert.Zero(t, s.Revision())
}

// TestImportCancelled: a cancelled context stops the import before its
// next batch.
func TestImportCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	recs := practice()
	stream := func(yield func(bulk.Record, error) bool) {
		for i, r := range recs {
			if i == 6 {
				cancel()
			}
			if !yield(r, nil) {
				return
			}
		}
	}
	s := newStore()
	res, err := newImporter(s).WithBatchSize(5).Import(ctx, host, iter.Seq2[bulk.Record, error](stream))
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 5, res.Records)
}

package bulk

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Store is a backend that holds every package's state in one transaction
// (memstore.Store; pgstore.Store once it implements the v2 interfaces). It
// is kit.Store, declared here so that bulk does not depend on kit.
type Store interface {
	team.Store
	access.Store
	clientgroup.Store
	contact.Store
	procedure.Store
}

// DefaultBatchSize is the number of records an Importer writes in one
// transaction unless WithBatchSize says otherwise.
const DefaultBatchSize = 10_000

// Importer loads records into a store, batch by batch, with the services'
// validation and invariants (see the package doc). It is safe for
// concurrent use; concurrent imports into one store see each other's
// committed batches.
type Importer struct {
	store     Store
	o         cabinet.Options
	listeners []cabinet.AccountListener
	batch     int
	invite    bool
}

// NewImporter returns an importer into store. Options: cabinet.WithClock
// (the time of records that give none, and of the event batches),
// cabinet.WithIDs (the IDs of personal teams a User record does not name)
// and cabinet.WithAccountListeners (told of every imported account, after
// the built-in ones). The built-in account listeners are those kit wires into
// team.Service: access, contact and procedure services over store, so that
// an imported account is linked to what waited for its email exactly as at
// sign-up. store must not be nil.
func NewImporter(store Store, opts ...cabinet.Option) *Importer {
	if store == nil {
		panic("bulk.NewImporter: nil store")
	}
	o := cabinet.NewOptions(opts...)
	quiet := []cabinet.Option{cabinet.WithClock(o.Clock), cabinet.WithIDs(o.IDs)}
	dossiers := access.NewFacts(store, quiet...)
	groups := clientgroup.NewFacts(store, dossiers, quiet...)
	accounts := team.NewFacts(store, groups, dossiers)
	contacts := contact.NewFacts(store)
	listeners := []cabinet.AccountListener{
		access.NewService(store, groups, accounts, quiet...),
		contact.NewService(store, groups, accounts, dossiers, quiet...),
		procedure.NewService(store, groups, dossiers, accounts, contacts, quiet...),
	}
	listeners = append(listeners, o.AccountListeners...)
	return &Importer{store: store, o: o, listeners: listeners, batch: DefaultBatchSize}
}

// WithBatchSize returns a copy of im that writes n records per transaction
// (n < 1: DefaultBatchSize). A batch is all or nothing.
func (im *Importer) WithBatchSize(n int) *Importer {
	c := *im
	if n < 1 {
		n = DefaultBatchSize
	}
	c.batch = n
	return &c
}

// WithInvitations returns a copy of im that invites imported grantees as
// access.Service.GrantPerson does (ACC-5): a grant whose email has an
// account gets an access.AccessNotified event; a grant without account and
// without InvitedAt is invited now (InvitedAt set, reminders from now) with
// an access.InvitationSent event. Without it (the default) grants are
// imported as given, with an access.GrantCreated event only: the import
// sends nobody an email unless the host asks.
func (im *Importer) WithInvitations() *Importer {
	c := *im
	c.invite = true
	return &c
}

// Result says what an import committed.
type Result struct {
	Records  int              // records committed, in stream order: the first Records of the stream
	Batches  int              // transactions committed
	Revision cabinet.Revision // the revision of the last committed batch, 0 if none
}

// RecordError is the error of an import stopped by one record: its
// position, the record and the field at fault. Err is the cause — an
// *cabinet.InvalidError naming the field, a *cabinet.NotFoundError for a
// record it refers to, a *cabinet.ConflictError naming the rule it breaks
// (or none for a record that already exists), or the store's or the
// context's error — and RecordError unwraps to it, so errors.Is,
// cabinet.FieldOf and cabinet.RuleOf see it.
type RecordError struct {
	// Index is the record's position in the stream, from 0. In a JSON-lines
	// stream read by ReadLines, record Index is on line Index+1.
	Index int
	Kind  Kind   // KindInvalid when the record could not be read
	Key   string // the record's Key, "" when it could not be read
	Field string // the record's field at fault, "" when none is
	Err   error
}

// Error implements error.
func (e *RecordError) Error() string {
	s := fmt.Sprintf("bulk: record %d", e.Index)
	if e.Kind.Valid() {
		s += fmt.Sprintf(" (%s %q)", e.Kind, e.Key)
	}
	if e.Field != "" {
		s += ", field " + e.Field
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *RecordError) Unwrap() error { return e.Err }

// fail returns err as the fault of the record's field name.
func fail(field string, err error) error { return &RecordError{Field: field, Err: err} }

// at returns err as the error of record r at index i, keeping the field a
// check named, or else the field an *cabinet.InvalidError names.
func at(i int, r Record, err error) error {
	var re *RecordError
	if errors.As(err, &re) {
		c := *re
		c.Index = i
		if r != nil {
			c.Kind, c.Key = r.RecordKind(), r.Key()
		}
		return &c
	}
	e := &RecordError{Index: i, Field: cabinet.FieldOf(err), Err: err}
	if r != nil {
		e.Kind, e.Key = r.RecordKind(), r.Key()
	}
	return e
}

// Import reads records and writes them into the store, in batches of the
// importer's batch size, each in one transaction: host-driven work (host
// names the component doing it and is recorded in every event batch). A
// record may refer to records stored before the import or earlier in the
// stream, never to later ones.
//
// Every record is checked as the services check what they create (see the
// package doc for the rules applied and those that are not). The first bad
// record — or the first error the stream yields — stops the import: its
// batch is not written at all, the batches before it stay committed. The
// error is a *RecordError naming its position, the record and the field.
// A record whose ID (or key) the store already holds is a
// *cabinet.ConflictError: an import never replaces a record, so importing
// the same stream twice fails at its first record and writes nothing; to
// resume after a failure, skip the Result.Records first records.
//
// Each committed batch emits its events as one cabinet.Batch naming host,
// through the transaction (cabinet.Tx.Emit, so they are in the store's
// change log with the batch's revision), from which the host receives it
// (cabinet.Delivery).
//
// Errors: *cabinet.InvalidError ("host"); *RecordError; ctx's error.
func (im *Importer) Import(ctx context.Context, host cabinet.Host, records iter.Seq2[Record, error]) (Result, error) {
	var res Result
	if err := host.Check(); err != nil {
		return res, err
	}
	batch := make([]Record, 0, min(im.batch, 4096))
	first := 0 // stream index of batch[0]
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		rev, err := im.write(ctx, host, first, batch)
		if err != nil {
			return err
		}
		res.Records += len(batch)
		res.Batches++
		res.Revision = rev
		first += len(batch)
		batch = batch[:0]
		return nil
	}
	i := 0
	for r, err := range records {
		if err != nil {
			return res, at(i, nil, err)
		}
		if r == nil {
			return res, at(i, nil, cabinet.Invalid("record", "is nil"))
		}
		p, err := r.prepare(im)
		if err != nil {
			return res, at(i, r, err)
		}
		batch = append(batch, p)
		i++
		if len(batch) >= im.batch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, flush()
}

// BatchPreparer is an optional interface of a Store that writes a batch
// faster when told of all its records first (pgstore.Store implements it:
// it reads ahead what the checks look up and writes new records with
// COPY). The importer calls PrepareBatch first thing in the transaction of
// each batch, with the batch's records as their checks normalised them, in
// stream order, then applies them one by one as it does on any Store.
//
// The store must answer every read and take every write through tx's
// Writers exactly as it would without PrepareBatch — the same records, the
// same errors, the same change-log keys — so that a batch commits what the
// record-by-record path commits. It may defer writes to the end of the
// transaction, so a write error may surface late, at another record than
// the one at fault: whenever a prepared batch fails, for any reason but
// ctx's end or a dry run's ErrDryRun (cabinet.DryRun: the batch went
// through and was inspected), the importer runs the batch again record by record in a new
// transaction without PrepareBatch, whose error names the record at fault
// (and which the store retries on serialization failures as usual). A
// store in bulk mode should therefore not retry the transaction itself.
type BatchPreparer interface {
	PrepareBatch(ctx context.Context, tx cabinet.Tx, batch []Record) error
}

// write applies one batch in one transaction, whose events it records in
// the same transaction (the store's change log holds them): through the
// store's BatchPreparer first if it has one, record by record if that
// fails or if it has none.
func (im *Importer) write(ctx context.Context, host cabinet.Host, first int, batch []Record) (cabinet.Revision, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if bp, ok := im.store.(BatchPreparer); ok {
		rev, err := im.writeTx(ctx, host, first, batch, bp)
		if err == nil || errors.Is(err, cabinet.ErrDryRun) {
			// A dry run that went through the batch ends in ErrDryRun
			// after its inspection: running it again would inspect twice.
			return rev, err
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
	return im.writeTx(ctx, host, first, batch, nil)
}

// writeTx is write's transaction, prepared by bp when it is not nil.
func (im *Importer) writeTx(ctx context.Context, host cabinet.Host, first int, batch []Record, bp BatchPreparer) (cabinet.Revision, error) {
	rev, err := im.store.UpdateTeams(ctx, func(tw team.Writer) error {
		if bp != nil {
			if err := bp.PrepareBatch(ctx, tw.Tx(), batch); err != nil {
				return err
			}
		}
		a, err := im.applier(ctx, tw)
		if err != nil {
			return err
		}
		// Most records emit one event, a dossier placed in a group two:
		// one array for the batch instead of a dozen doublings (issue 15).
		a.events = make([]cabinet.Event, 0, 2*len(batch))
		for j, r := range batch {
			if err := r.apply(a); err != nil {
				return at(first+j, r, err)
			}
		}
		return tw.Tx().Emit(cabinet.Batch{At: a.now, Host: host, Events: a.events})
	})
	if err != nil {
		return 0, err
	}
	return rev, nil
}

// applier is what a record's apply needs: the writers of the batch's
// transaction, its time, and the events collected so far. One applier per
// run of the transaction's function (a store may run it twice).
type applier struct {
	ctx       context.Context
	im        *Importer
	now       time.Time
	team      team.Writer
	access    access.Writer
	groups    clientgroup.Writer
	contacts  contact.Writer
	events    []cabinet.Event
	listeners []cabinet.AccountListener
}

func (im *Importer) applier(ctx context.Context, tw team.Writer) (*applier, error) {
	tx := tw.Tx()
	aw, err := im.store.AccessWriter(tx)
	if err != nil {
		return nil, err
	}
	gw, err := im.store.ClientGroupWriter(tx)
	if err != nil {
		return nil, err
	}
	kw, err := im.store.ContactWriter(tx)
	if err != nil {
		return nil, err
	}
	return &applier{ctx: ctx, im: im, now: im.o.Now(), team: tw, access: aw, groups: gw, contacts: kw,
		listeners: im.listeners}, nil
}

// office returns nil when office exists, else the reader's error.
func (a *applier) office(id cabinet.OfficeID) error {
	_, err := a.groups.Office(a.ctx, id)
	return err
}

// collaborator reports whether user is a collaborator of office.
func (a *applier) collaborator(office cabinet.OfficeID, user cabinet.UserID) (bool, error) {
	return found(a.groups.Collaborator(a.ctx, office, user))
}

func (a *applier) emit(e ...cabinet.Event) { a.events = append(a.events, e...) }

package policy

import (
	"context"
	"errors"
	"iter"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// Sources are the stores the engine reads. memstore.Store satisfies all five
// at once. Every field is required.
type Sources struct {
	Teams        team.Store
	Access       access.Store
	ClientGroups clientgroup.Store
	Contacts     contact.Store
	Procedures   procedure.Store
}

// DossierQuery selects the dossiers a subject can act on (POL-3).
type DossierQuery struct {
	// Action is ViewDossier (the default when zero) or EditSection.
	Action Action
	// Section is the section for EditSection.
	Section access.Section
	// ClientGroup, when set, keeps only the dossiers of that client group.
	ClientGroup cabinet.ClientGroupID
	// Status, when valid, keeps only the dossiers with that status.
	Status cabinet.DossierStatus
}

// Access is one subject who can view a dossier and the routes by which
// they reach it (POL-3).
type Access struct {
	User   cabinet.UserID
	Routes Routes
}

// Engine answers can-X-do-Y questions over the state held by Sources
// (POL-1). It keeps an in-memory index of that state, built by New and kept
// current by Publish (the engine is a cabinet.EventSink: wire it into every
// service's WithEvents, usually through cabinet.MultiSink). It is safe for
// concurrent use.
type Engine struct {
	_ struct{} // implementation pending
}

var errNotImplemented = errors.New("policy: not implemented")

// New loads the whole state of src into a new engine. It returns an error
// when a store fails or ctx is done. Options: WithClock (impersonation
// sessions expire by it); WithIDs and WithEvents are ignored.
func New(ctx context.Context, src Sources, opts ...cabinet.Option) (*Engine, error) {
	return nil, errNotImplemented
}

// Publish implements cabinet.EventSink: it refreshes the part of the index
// that the batch's events touched, and records the batch's revision. If the
// refresh fails, later calls to Check return the error until Reload succeeds.
func (e *Engine) Publish(ctx context.Context, b cabinet.Batch) {}

// Reload rebuilds the whole index from the sources.
func (e *Engine) Reload(ctx context.Context) error { return errNotImplemented }

// Revision returns the highest revision the index has applied.
func (e *Engine) Revision() cabinet.Revision { return 0 }

// Check answers whether subject s may perform a on r (POL-1). Deny by
// default: an unknown subject, action or resource is a denial with a reason
// (POL-4), never an error and never an allow. Every decision explains itself
// (POL-2). During impersonation the decision is the contact's and records
// the acting collaborator (POL-5). The error is non-nil only when the
// question could not be answered (ctx done, a store failure, a stale index).
func (e *Engine) Check(ctx context.Context, s Subject, a Action, r Resource) (Decision, error) {
	return Decision{}, errNotImplemented
}

// Dossiers streams the IDs of the dossiers s can view (or edit, per q), in
// no particular order, each once (POL-3). Its cost is proportional to the
// answer and to the subject's memberships, not to the number of dossiers.
// An error is yielded (and the stream ends) when the question cannot be
// answered.
func (e *Engine) Dossiers(ctx context.Context, s Subject, q DossierQuery) iter.Seq2[cabinet.DossierID, error] {
	return func(yield func(cabinet.DossierID, error) bool) { yield("", errNotImplemented) }
}

// Viewers streams every user who can view dossier d, each once with all the
// routes by which they reach it (POL-3).
func (e *Engine) Viewers(ctx context.Context, d cabinet.DossierID) iter.Seq2[Access, error] {
	return func(yield func(Access, error) bool) { yield(Access{}, errNotImplemented) }
}

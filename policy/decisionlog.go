package policy

import (
	"context"
	"encoding/json"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
)

// DecisionRecord is one decision as a DecisionLog receives it: the
// question as asked and the answer. The answer carries whose rights
// decided (Decision.User), who acted — the collaborator behind an
// impersonation session (Decision.Actor, POL-5) —, the allow or denial,
// its routes and rule, and the revision it was taken at.
type DecisionRecord struct {
	Subject  Subject
	Action   Action
	Resource Resource
	Decision Decision
}

// decisionJSON is the JSON shape of a DecisionRecord.
type decisionJSON struct {
	User     cabinet.UserID    `json:"user,omitempty"`
	Session  contact.SessionID `json:"session,omitempty"`
	Rights   cabinet.UserID    `json:"rights_of,omitempty"`
	Actor    cabinet.UserID    `json:"actor,omitempty"`
	Contact  cabinet.ContactID `json:"contact,omitempty"`
	Action   string            `json:"action"`
	Resource string            `json:"resource"`
	Allowed  bool              `json:"allowed"`
	Routes   string            `json:"routes,omitempty"`
	Rule     string            `json:"rule"`
	Revision cabinet.Revision  `json:"revision"`
}

// MarshalJSON writes r as one flat JSON object, for an audit log of JSON
// lines: "user" or "session" (the subject as asked), "rights_of" (whose
// rights decided), "actor" (who acted), "contact" (during impersonation),
// "action" and "resource" (their String forms), "allowed", "routes" (when
// allowed), "rule" and "revision". Any caller may use it; it never fails.
func (r DecisionRecord) MarshalJSON() ([]byte, error) {
	j := decisionJSON{
		User: r.Subject.User, Session: r.Subject.Session,
		Rights: r.Decision.User, Actor: r.Decision.Actor, Contact: r.Decision.Contact,
		Action: r.Action.String(), Resource: r.Resource.String(),
		Allowed: r.Decision.Allowed, Rule: r.Decision.Rule, Revision: r.Decision.Revision,
	}
	if r.Decision.Allowed {
		j.Routes = r.Decision.Routes.String()
	}
	return json.Marshal(j)
}

// DecisionLog receives every decision the engine gives through Check,
// CheckBatch (one call per question, in order) and AllowedActions (one call
// per action asked), after the answer was computed and the engine's lock
// released, in the caller's goroutine, before the call returns. It is not
// called for the listings (Dossiers, Viewers), nor for Explain, nor when
// the question could not be answered (an error). It may be called from
// several goroutines at once and may call the engine; it cannot change the
// decision. A slow log slows the callers, never the engine's other users.
type DecisionLog func(ctx context.Context, r DecisionRecord)

// SetDecisionLog makes the engine send every decision to l from now on;
// nil removes the log. The host calls it once it has built the engine (for
// a kit, on kit.Kit.Policy); it is safe to call at any time, concurrently
// with questions. Without a log, the cost to Check is one atomic load
// (BenchmarkCheckLogged).
func (e *Engine) SetDecisionLog(l DecisionLog) {
	if l == nil {
		e.declog.Store(nil)
		return
	}
	e.declog.Store(&l)
}

// decisionLog returns the engine's decision log, nil when none is set.
func (e *Engine) decisionLog() DecisionLog {
	if p := e.declog.Load(); p != nil {
		return *p
	}
	return nil
}

// logBatch sends the decisions of a batch to the decision log, if any.
func (e *Engine) logBatch(ctx context.Context, s Subject, qs []Question, ds []Decision) {
	l := e.decisionLog()
	if l == nil {
		return
	}
	for i := range ds {
		l(ctx, DecisionRecord{Subject: s, Action: qs[i].Action, Resource: qs[i].Resource, Decision: ds[i]})
	}
}

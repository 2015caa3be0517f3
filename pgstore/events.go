package pgstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/clientgroup"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/procedure"
	"github.com/cabinet-go/cabinet/team"
)

// RawEvent is an event of the change log that this process cannot decode:
// its name is not the EventName of any registered type (it was emitted by
// a newer version of the host, or by a process with more WithEventTypes),
// or its JSON no longer fits the registered type. Changes yields it in the
// event's place rather than failing, so that a reader of the keys (the
// policy engine) is never stopped by an event it does not need; a host's
// sink that meets one decodes Data itself or stops and upgrades.
type RawEvent struct {
	Name string          // the event's EventName when it was emitted
	Data json.RawMessage // the event as encoding/json wrote it
}

// EventName implements cabinet.Event: the name the event was emitted with.
func (e RawEvent) EventName() string { return e.Name }

// eventTypes maps an EventName to the Go type that carries it, for
// decoding the change log's events.
type eventTypes map[string]reflect.Type

// domainEventTypes returns the event types of the five domain packages,
// which every store decodes.
func domainEventTypes() []cabinet.Event {
	var out []cabinet.Event
	for _, ts := range [][]cabinet.Event{team.EventTypes(), access.EventTypes(), clientgroup.EventTypes(),
		contact.EventTypes(), procedure.EventTypes()} {
		out = append(out, ts...)
	}
	return out
}

// newEventTypes registers the domain packages' event types and extra. Two
// types with one EventName, or a nil event, are an *cabinet.InvalidError
// naming "event_types".
func newEventTypes(extra []cabinet.Event) (eventTypes, error) {
	reg := eventTypes{}
	for _, e := range append(domainEventTypes(), extra...) {
		if e == nil {
			return nil, cabinet.Invalid("event_types", "holds a nil event")
		}
		name, typ := e.EventName(), reflect.TypeOf(e)
		if name == "" {
			return nil, cabinet.Invalid("event_types", "%v has an empty EventName", typ)
		}
		if have, ok := reg[name]; ok && have != typ {
			return nil, cabinet.Invalid("event_types", "%v and %v are both named %q", have, typ, name)
		}
		reg[name] = typ
	}
	return reg, nil
}

// eventJSON is one event in the changes.events column.
type eventJSON struct {
	Name string          `json:"name"`
	Data json.RawMessage `json:"data"`
}

// encode returns the JSON of events for the changes.events column (nil for
// none): [{"name": EventName, "data": the event}, …], as json.Marshal of
// the list of eventJSON would give it. An event whose type is not
// registered under its name, or that holds a string PostgreSQL cannot
// store, is an *cabinet.InvalidError naming the event: Changes could not
// give it back.
//
// Decision: one pass (issue 15): each event is encoded straight into one
// buffer by a json.Encoder, instead of json.Marshal per event and again
// of the whole list, which copied and compacted every event twice — an
// import batch emits thousands of events.
func (r eventTypes) encode(events []cabinet.Event) ([]byte, error) {
	if len(events) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	buf.Grow(256 * len(events))
	enc := json.NewEncoder(&buf)
	// value encodes v at the end of buf, without the Encoder's newline.
	value := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1)
		return nil
	}
	buf.WriteByte('[')
	for i, e := range events {
		if e == nil {
			return nil, cabinet.Invalid(eventField(i), "is nil")
		}
		name := e.EventName()
		if typ, ok := r[name]; !ok || typ != reflect.TypeOf(e) {
			return nil, cabinet.Invalid(eventField(i), "%T (%q) is not a registered event type: give it to pgstore.WithEventTypes", e, name)
		}
		if err := checkStorable(e); err != nil {
			return nil, cabinet.Invalid(eventField(i)+"."+cabinet.FieldOf(err), "contains a NUL byte or is not valid UTF-8, which PostgreSQL cannot store")
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"name":`)
		if err := value(name); err != nil {
			return nil, cabinet.Invalid(eventField(i), "cannot be encoded as JSON: %v", err)
		}
		buf.WriteString(`,"data":`)
		if err := value(e); err != nil {
			return nil, cabinet.Invalid(eventField(i), "cannot be encoded as JSON: %v", err)
		}
		buf.WriteByte('}')
	}
	buf.WriteByte(']')
	return buf.Bytes(), nil
}

// eventField names event i of a batch.
func eventField(i int) string { return "events[" + strconv.Itoa(i) + "]" }

// decode returns the events of a changes.events column, each as its
// registered type, or as a RawEvent when there is none or its JSON does
// not fit it.
func (r eventTypes) decode(b []byte) ([]cabinet.Event, error) {
	if b == nil {
		return nil, nil
	}
	var in []eventJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("pgstore: the change log's events are not a JSON list: %w", err)
	}
	out := make([]cabinet.Event, len(in))
	for i, e := range in {
		out[i] = r.decodeOne(e)
	}
	return out, nil
}

func (r eventTypes) decodeOne(e eventJSON) cabinet.Event {
	raw := RawEvent(e)
	typ, ok := r[e.Name]
	if !ok {
		return raw
	}
	ptr := typ.Kind() == reflect.Pointer
	base := typ
	if ptr {
		base = typ.Elem()
	}
	v := reflect.New(base)
	if err := json.Unmarshal(e.Data, v.Interface()); err != nil {
		return raw
	}
	if !ptr {
		v = v.Elem()
	}
	ev, ok := v.Interface().(cabinet.Event)
	if !ok {
		return raw
	}
	return ev
}

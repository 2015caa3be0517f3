package bulk

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"strings"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/access"
	"github.com/cabinet-go/cabinet/contact"
	"github.com/cabinet-go/cabinet/team"
)

// Stream returns records as a stream for Import.
func Stream(records ...Record) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// The JSON-lines format: one record per line, a JSON object with one
// member named by the record's kind, whose value is the record with the
// field names of its struct tags and its enums by name:
//
//	{"user":{"id":"u1","display_name":"Ann","email":"ann@example.com","personal_team":"t1"}}
//	{"dossier":{"id":"d1","office":"o1","name":"Smith","status":"activated","manager":"u1"}}
//
// Times are RFC 3339. Unknown kinds and unknown fields are refused (a
// misspelt field would otherwise be silently dropped), and so are blank
// lines: line n of a stream holds record n-1.

// MarshalRecord returns r as one line of the JSON-lines format, without
// the newline. Errors: an *cabinet.InvalidError naming "record" for a nil
// record.
func MarshalRecord(r Record) ([]byte, error) {
	if r == nil {
		return nil, cabinet.Invalid("record", "is nil")
	}
	body, err := marshal(r)
	if err != nil {
		return nil, err
	}
	kind := r.RecordKind().String()
	out := make([]byte, 0, len(body)+len(kind)+5)
	out = append(out, `{"`...)
	out = append(out, kind...)
	out = append(out, `":`...)
	out = append(out, body...)
	return append(out, '}'), nil
}

// UnmarshalRecord parses one line of the JSON-lines format. Errors: an
// *cabinet.InvalidError naming the field at fault ("record" for a line
// that is not one object of one known kind, "kind" for an unknown kind).
func UnmarshalRecord(line []byte) (Record, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, cabinet.Invalid("record", "is not a JSON object")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, cabinet.Invalid("record", "is not a JSON object: %v", err)
	}
	name, ok := tok.(string)
	if !ok {
		return nil, cabinet.Invalid("record", "names no kind")
	}
	k, err := ParseKind(name)
	if err != nil {
		return nil, err
	}
	r, err := decodeKind(dec, k)
	if err != nil {
		return nil, jsonError(err)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, cabinet.Invalid("record", "holds more than one record: one kind per line")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, cabinet.Invalid("record", "has text after the record")
	}
	return r, nil
}

func decodeKind(dec *json.Decoder, k Kind) (Record, error) {
	switch k {
	case KindUser:
		return decodeAs[User](dec)
	case KindOffice:
		return decodeAs[Office](dec)
	case KindCollaborator:
		return decodeAs[Collaborator](dec)
	case KindCollaboratorGroup:
		return decodeAs[CollaboratorGroup](dec)
	case KindMember:
		return decodeAs[Member](dec)
	case KindClientGroup:
		return decodeAs[ClientGroup](dec)
	case KindDirectAssignment:
		return decodeAs[DirectAssignment](dec)
	case KindGroupAssignment:
		return decodeAs[GroupAssignment](dec)
	case KindDossier:
		return decodeAs[Dossier](dec)
	case KindPerson:
		return decodeAs[Person](dec)
	case KindAdvisor:
		return decodeAs[Advisor](dec)
	case KindGrant:
		return decodeAs[Grant](dec)
	case KindConsent:
		return decodeAs[Consent](dec)
	case KindTeam:
		return decodeAs[Team](dec)
	case KindReferral:
		return decodeAs[Referral](dec)
	case KindCompany:
		return decodeAs[Company](dec)
	case KindContact:
		return decodeAs[Contact](dec)
	}
	return nil, cabinet.Invalid("kind", "%v is not a record kind", k)
}

func decodeAs[T Record](dec *json.Decoder) (Record, error) {
	var v T
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// jsonError turns a decoding error into an *cabinet.InvalidError naming
// the field at fault (an enum's own error already is one).
func jsonError(err error) error {
	var inv *cabinet.InvalidError
	if errors.As(err, &inv) {
		return err
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return cabinet.Invalid(strings.ReplaceAll(te.Field, "plain.", ""), "is not a JSON %s", te.Type)
	}
	// encoding/json names an unknown field only in its message.
	const unknown = `json: unknown field "`
	if msg := err.Error(); strings.HasPrefix(msg, unknown) && strings.HasSuffix(msg, `"`) {
		return cabinet.Invalid(msg[len(unknown):len(msg)-1], "is not a field of this kind of record")
	}
	return cabinet.Invalid("record", "%v", err)
}

// marshal is json.Marshal without HTML escaping ("Smith & Partners" stays
// readable; the output is for files, not for HTML).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decodeStrict decodes b into v, refusing unknown fields.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// ReadLines streams the records of a JSON-lines input for Import. A line
// that cannot be read stops the stream with a *RecordError naming its
// position (line Index+1) and the field at fault, so that Import writes
// nothing of its batch. A read error of r is yielded as a *RecordError too.
func ReadLines(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		for i := 0; ; i++ {
			line, err := br.ReadBytes('\n')
			if len(line) == 0 && err == io.EOF {
				return
			}
			if err != nil && err != io.EOF {
				yield(nil, &RecordError{Index: i, Err: err})
				return
			}
			last := err == io.EOF
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			if len(bytes.TrimSpace(line)) == 0 {
				yield(nil, &RecordError{Index: i, Field: "line", Err: cabinet.Invalid("line", "is blank: one record per line")})
				return
			}
			rec, err := UnmarshalRecord(line)
			if err != nil {
				yield(nil, &RecordError{Index: i, Field: cabinet.FieldOf(err), Err: err})
				return
			}
			if !yield(rec, nil) || last {
				return
			}
		}
	}
}

// WriteLines writes records to w in the JSON-lines format, one per line,
// and returns how many it wrote. It stops at the first error: the stream's,
// a record's (MarshalRecord) or w's.
func WriteLines(w io.Writer, records iter.Seq2[Record, error]) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	n := 0
	for r, err := range records {
		if err != nil {
			_ = bw.Flush()
			return n, err
		}
		b, err := MarshalRecord(r)
		if err != nil {
			_ = bw.Flush()
			return n, err
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return n, err
		}
		n++
	}
	return n, bw.Flush()
}

// ---- enums by name ----

// MarshalJSON writes the profile by name.
func (r Collaborator) MarshalJSON() ([]byte, error) {
	type plain Collaborator
	return marshal(struct {
		plain
		Profile string `json:"profile"`
	}{plain(r), r.Profile.String()})
}

// UnmarshalJSON reads the profile by name (cabinet.ParseProfile).
func (r *Collaborator) UnmarshalJSON(b []byte) error {
	type plain Collaborator
	w := struct {
		*plain
		Profile string `json:"profile"`
	}{plain: (*plain)(r)}
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	var err error
	r.Profile, err = cabinet.ParseProfile(w.Profile)
	return err
}

// MarshalJSON writes the status by name.
func (r Dossier) MarshalJSON() ([]byte, error) {
	type plain Dossier
	return marshal(struct {
		plain
		Status string `json:"status"`
	}{plain(r), r.Status.String()})
}

// UnmarshalJSON reads the status by name (cabinet.ParseDossierStatus).
func (r *Dossier) UnmarshalJSON(b []byte) error {
	type plain Dossier
	w := struct {
		*plain
		Status string `json:"status"`
	}{plain: (*plain)(r)}
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	var err error
	r.Status, err = cabinet.ParseDossierStatus(w.Status)
	return err
}

// MarshalJSON writes the relation by name.
func (r Person) MarshalJSON() ([]byte, error) {
	type plain Person
	return marshal(struct {
		plain
		Relation string `json:"relation"`
	}{plain(r), r.Relation.String()})
}

// UnmarshalJSON reads the relation by name (access.ParseRelation).
func (r *Person) UnmarshalJSON(b []byte) error {
	type plain Person
	w := struct {
		*plain
		Relation string `json:"relation"`
	}{plain: (*plain)(r)}
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	var err error
	r.Relation, err = access.ParseRelation(w.Relation)
	return err
}

// MarshalJSON writes the type by name.
func (r Advisor) MarshalJSON() ([]byte, error) {
	type plain Advisor
	return marshal(struct {
		plain
		Type string `json:"type"`
	}{plain(r), r.Type.String()})
}

// UnmarshalJSON reads the type by name (access.ParseAdvisorType).
func (r *Advisor) UnmarshalJSON(b []byte) error {
	type plain Advisor
	w := struct {
		*plain
		Type string `json:"type"`
	}{plain: (*plain)(r)}
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	var err error
	r.Type, err = access.ParseAdvisorType(w.Type)
	return err
}

// MarshalJSON writes the level by name.
func (r Grant) MarshalJSON() ([]byte, error) {
	type plain Grant
	return marshal(struct {
		plain
		Level string `json:"level"`
	}{plain(r), r.Level.String()})
}

// UnmarshalJSON reads the level by name (access.ParseLevel).
func (r *Grant) UnmarshalJSON(b []byte) error {
	type plain Grant
	w := struct {
		*plain
		Level string `json:"level"`
	}{plain: (*plain)(r)}
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	var err error
	r.Level, err = access.ParseLevel(w.Level)
	return err
}

// MarshalJSON writes the state by name.
func (r Consent) MarshalJSON() ([]byte, error) {
	type plain Consent
	return marshal(struct {
		plain
		State string `json:"state"`
	}{plain(r), r.State.String()})
}

// UnmarshalJSON reads the state by name (team.ParseConsent).
func (r *Consent) UnmarshalJSON(b []byte) error {
	type plain Consent
	w := struct {
		*plain
		State string `json:"state"`
	}{plain: (*plain)(r)}
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	s, err := team.ParseConsent(w.State)
	if err != nil {
		return cabinet.Invalid("state", "%q is not given or revoked", w.State)
	}
	r.State = s
	return nil
}

// MarshalJSON writes the role by name.
func (m TeamMember) MarshalJSON() ([]byte, error) {
	type plain TeamMember
	return marshal(struct {
		plain
		Role string `json:"role"`
	}{plain(m), m.Role.String()})
}

// UnmarshalJSON reads the role by name (team.ParseRole).
func (m *TeamMember) UnmarshalJSON(b []byte) error {
	type plain TeamMember
	w := struct {
		*plain
		Role string `json:"role"`
	}{plain: (*plain)(m)}
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	var err error
	m.Role, err = team.ParseRole(w.Role)
	return err
}

// MarshalJSON writes the kind and the status by name.
func (r Contact) MarshalJSON() ([]byte, error) {
	type plain Contact
	return marshal(struct {
		plain
		Kind   string `json:"kind"`
		Status string `json:"status"`
	}{plain(r), r.Kind.String(), r.Status.String()})
}

// UnmarshalJSON reads the kind and the status by name (contact.ParseKind,
// contact.ParseStatus).
func (r *Contact) UnmarshalJSON(b []byte) error {
	type plain Contact
	w := struct {
		*plain
		Kind   string `json:"kind"`
		Status string `json:"status"`
	}{plain: (*plain)(r)}
	if err := decodeStrict(b, &w); err != nil {
		return err
	}
	var err error
	if r.Kind, err = contact.ParseKind(w.Kind); err != nil {
		return err
	}
	r.Status, err = contact.ParseStatus(w.Status)
	return err
}

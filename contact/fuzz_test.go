package contact_test

import (
	"errors"
	"testing"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/contact"
)

// FuzzValidateFields: contact input validation (CON-1, CON-2, CON-3) never
// panics, fails only with an *cabinet.InvalidError naming a known field,
// and what it accepts is normalised (validating it again is a no-op) and
// carries what its kind requires.
func FuzzValidateFields(f *testing.F) {
	f.Add(uint8(1), "Ann", "Lee", "ann@x.co", "", "")
	f.Add(uint8(2), "Pat", "Ng", "Pat@Example.COM", "", "Acme")
	f.Add(uint8(2), "Pat", "Ng", "pat@x.co", "company_1", "")
	f.Add(uint8(3), "Leo", "Ray", "", "", "")
	f.Add(uint8(3), " ", "\x00", "a@b", "x", "y")
	f.Add(uint8(0), "é", "ü", "<a@b.co>", "", "")
	f.Add(uint8(9), "A", "B", "Ann <ann@x.co>", "", "")
	fields := map[string]bool{"kind": true, "first_name": true, "last_name": true, "email": true, "company": true, "new_company": true}
	f.Fuzz(func(t *testing.T, k uint8, first, last, email, company, newCompany string) {
		kind := contact.Kind(k % 5)
		in := contact.Fields{FirstName: first, LastName: last, Email: email, Company: contact.CompanyID(company), NewCompany: newCompany}
		out, err := contact.ValidateFields(kind, in)
		if err != nil {
			var ie *cabinet.InvalidError
			if !errors.As(err, &ie) || !errors.Is(err, cabinet.ErrInvalid) || !fields[ie.Field] {
				t.Fatalf("error %v is not an InvalidError naming a known field", err)
			}
			return
		}
		if !kind.Valid() || out.FirstName == "" || out.LastName == "" {
			t.Fatalf("accepted %+v for kind %s", out, kind)
		}
		if kind != contact.KindLead && out.Email == "" {
			t.Fatalf("accepted a %s without email (CON-1, CON-2)", kind)
		}
		if kind != contact.KindPartner && (out.Company != "" || out.NewCompany != "") {
			t.Fatalf("accepted a company for a %s (CON-2)", kind)
		}
		again, err := contact.ValidateFields(kind, out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %+v → %+v, %v", out, again, err)
		}
	})
}

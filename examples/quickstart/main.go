// Command quickstart is the first program to run. It builds a tiny office
// with package scenario — every cabinet service wired by package kit over
// one in-memory store, with a fixed clock and sequential IDs — and asks the
// policy engine real questions, printing each decision with its reason
// (POL-1, POL-2): an admin, two standard collaborators, a client group, a
// client's dossier with its manager, the client granted access, a notary
// with read_write access, and a team holding the client's referral. Last,
// the client revokes her consent and the team route closes (TEAM-9).
//
//	go run ./examples/quickstart
//
// The story itself is in examples/internal/quickstory, which
// examples/postgres tells on PostgreSQL. Each step is one line of the
// builder; anything else is a call to the services (s.Teams, s.Access,
// s.Groups, s.Contacts, s.Procedures) or to the engine (s.Policy).
package main

import (
	"fmt"
	"os"

	"github.com/cabinet-go/cabinet/examples/internal/quickstory"
	"github.com/cabinet-go/cabinet/scenario"
)

func main() {
	// A failed step prints what failed and exits with status 1.
	s := scenario.New(scenario.Fatal)
	if _, err := quickstory.Tell(s, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

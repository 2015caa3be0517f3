package procedure_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/memstore"
	"github.com/cabinet-go/cabinet/procedure"
)

func ExamplePremiumAvailable() {
	start := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	plan := procedure.OfficePlan{Office: "office_1", Plan: procedure.PlanStandard, TrialStartedAt: start}
	fmt.Println(procedure.PremiumAvailable(plan, start.Add(7*24*time.Hour-time.Second)))
	fmt.Println(procedure.PremiumAvailable(plan, start.Add(7*24*time.Hour)))
	// Output:
	// <nil>
	// cabinet: forbidden: contributor roles are a premium option: the office's trial ended at 2026-05-08T10:00:00Z; it needs the platinum plan or the boosters add-on (PROC-1)
}

func ExampleItemAllows() {
	p := procedure.Procedure{
		ID: "proc_1",
		Roles: []procedure.Role{
			{ID: "tenant", Name: "Tenant", Main: true, Permissions: procedure.AllPermissions},
			{ID: "guarantor", Name: "Guarantor", Permissions: procedure.PermissionsOf(procedure.PermView, procedure.PermUpload)},
		},
		Items: []procedure.Item{{ID: "payslip", Role: "tenant"}, {ID: "guarantee", Role: "guarantor"}},
	}
	c := procedure.Case{ID: "case_1", Procedure: "proc_1",
		Recipient:    procedure.Participant{Role: "tenant", Email: "tom@example.com", User: "tom"},
		Contributors: []procedure.Participant{{Role: "guarantor", Email: "gina@example.com", User: "gina"}},
	}
	fmt.Println(procedure.ItemAllows(p, c, "gina", "guarantee", procedure.PermUpload))
	fmt.Println(procedure.ItemAllows(p, c, "gina", "guarantee", procedure.PermSubmit))
	fmt.Println(procedure.ItemAllows(p, c, "gina", "payslip", procedure.PermView))
	// Output:
	// <nil>
	// cabinet: forbidden: the role "Guarantor" does not have the submit permission (PROC-4)
	// cabinet: forbidden: the item is assigned to another role (PROC-3)
}

func ExampleService_InviteContributor() {
	ctx := context.Background()
	f := newFakes()
	f.collaborator("office_1", "alice", cabinet.ProfileAdmin)
	f.account(cabinet.User{ID: "gina", Email: "gina@example.com"})
	events := &cabinet.EventLog{}
	svc := procedure.NewService(memstore.New(memstore.Deliver(events)), f, f, f, f,
		cabinet.WithClock(cabinet.NewManualClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC))),
		cabinet.WithIDs(&cabinet.SequentialIDs{}))

	_, _, _ = svc.StartTrial(ctx, "alice", "office_1")
	p, _, _ := svc.CreateProcedure(ctx, "alice", "office_1", "Rental application", "Tenant")
	g, _, _ := svc.AddRole(ctx, "alice", p.ID, "Guarantor", procedure.PermissionsOf(procedure.PermView, procedure.PermUpload))
	_, _, _ = svc.AddItem(ctx, "alice", p.ID, "Payslips", "")
	_, _, _ = svc.AddItem(ctx, "alice", p.ID, "Guarantor's tax notice", g.ID)
	c, _, _ := svc.OpenCase(ctx, "alice", p.ID, "", procedure.Invitee{Email: "tom@example.com"})
	_, _, err := svc.InviteContributor(ctx, "alice", c.ID, g.ID,
		procedure.Invitee{Name: "Gina Moreau", Email: "gina@example.com", Phone: "06 12 34 56 78"}, true)
	fmt.Println(err)
	v, _ := svc.ParticipantView(ctx, "gina", c.ID)
	for _, it := range v.Items {
		fmt.Println("gina sees:", it.Item.Name)
	}
	fmt.Println("gina's seat:", v.Seat.Name, v.Seat.Phone, "; other seats shown:", v.Seat.Email != "gina@example.com")
	seats, _ := svc.CaseSeats(ctx, "alice", c.ID)
	for _, st := range seats {
		fmt.Printf("%s: filled %v by %s, notified %v\n", st.Role.Name, st.Filled, st.Participant.Email, !st.Participant.NotifiedAt.IsZero())
	}
	fmt.Println(events.Names()[len(events.Names())-1])
	// Output:
	// <nil>
	// gina sees: Guarantor's tax notice
	// gina's seat: Gina Moreau +33612345678 ; other seats shown: false
	// Tenant: filled true by tom@example.com, notified false
	// Guarantor: filled true by gina@example.com, notified true
	// procedure.contributor_invited
}

package pgstore_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cabinet-go/cabinet"
	"github.com/cabinet-go/cabinet/internal/pgtest"
	"github.com/cabinet-go/cabinet/internal/storetest"
	"github.com/cabinet-go/cabinet/kit"
	"github.com/cabinet-go/cabinet/pgstore"
)

// The freshness benchmark of the README's "Running several replicas":
//
//	bash scripts/with-postgres --standby go test -run '^$' -bench Freshness -benchtime 500x ./pgstore/
//
// BenchmarkFreshness measures how soon a commit through replica A is
// applied on replica B: A and B are two Stores over one schema, each with
// its own pool, as two processes of a host would have; B is a kit whose
// Run follows the change log (Changes, then Wait, in a loop): its policy
// engine applies each change, then its delivery hands the batch to a host
// sink (kit.WithSink), which notes when it arrives — so a batch arrives
// once B's engine has applied it. Each iteration commits one transaction
// on A (a user written and a batch emitted, one at a time: latency, not
// throughput) and waits until B's sink has it. Modes: B woken by LISTEN/NOTIFY (the
// default; polling every DefaultPollInterval as a safety net), B polling
// only (WithPollOnly, every 100 ms), and B over the hot standby, woken by
// the primary's notifications (WithNotifyPool) or polling it every 100 ms
// (skipped without scripts/with-postgres --standby). When B polls, each
// commit comes at a random moment of B's poll interval (a pause of up to
// one interval before it, not timed), as commits do in production, rather
// than right after B's last poll: the latency then spreads over the
// interval (a median of about half of it, a p99 of about all of it; with
// DefaultPollInterval, 0.5 s and 1 s).
//
// Metrics: p50-ms and p99-ms, the median and 99th percentile of the time
// from A's Update… returning to B's engine having applied it and B's sink
// receiving the batch (0 when B had
// it first: the notification can overtake A's own return), and early, the
// share of commits B had applied before A's call returned. ns/op is one
// commit on A plus that wait.
func BenchmarkFreshness(b *testing.B) {
	const poll = 100 * time.Millisecond
	pollOnly := []pgstore.Option{pgstore.WithPollOnly(), pgstore.WithPollInterval(poll)}
	modes := []struct {
		name    string
		standby bool
		jitter  time.Duration
		opts    []pgstore.Option
	}{
		{"listen", false, 0, nil},
		{"poll-only=100ms", false, poll, pollOnly},
		{"standby/listen-primary", true, 0, nil},
		{"standby/poll-only=100ms", true, poll, pollOnly},
	}
	for _, m := range modes {
		b.Run("b="+m.name, func(b *testing.B) {
			benchFreshness(b, m.standby, m.jitter, m.opts)
		})
	}
}

// arrival is when B's sink received the batch of a revision.
type arrival struct {
	rev cabinet.Revision
	at  time.Time
}

// arrivals is an EventSink noting when each batch arrives.
type arrivals chan arrival

// Publish implements cabinet.EventSink.
func (a arrivals) Publish(_ context.Context, batch cabinet.Batch) {
	a <- arrival{batch.Revision, time.Now()}
}

func benchFreshness(b *testing.B, standby bool, jitter time.Duration, opts []pgstore.Option) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	primary := pgtest.Pool(b, 4, nil)
	a := logged(b, primary)
	commit := commitUser(a)
	var replica *pgstore.Store
	if standby {
		pool := pgtest.StandbyPool(b, 4)
		pgtest.CatchUp(b, primary, pool)
		if len(opts) == 0 {
			opts = []pgstore.Option{pgstore.WithNotifyPool(primary)}
		}
		replica = pgtest.Replica(b, a, pool, append([]pgstore.Option{pgstore.WithEventTypes(storetest.Event{})}, opts...)...)
	} else {
		replica = pgtest.Replica(b, a, pgtest.Pool(b, 4, nil), append([]pgstore.Option{pgstore.WithEventTypes(storetest.Event{})}, opts...)...)
	}
	seen := make(arrivals, 16)
	kB, err := kit.New(ctx, replica, kit.WithSink(seen))
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- kB.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			b.Errorf("B's kit.Run: %v", err)
		}
	}()
	// One commit seen on B before timing: B's listener is up, the pools warm.
	await := func(rev cabinet.Revision) time.Time {
		b.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case got := <-seen:
				if got.rev >= rev {
					return got.at
				}
			case err := <-done:
				b.Fatalf("B's kit.Run stopped: %v", err)
			case <-timeout:
				b.Fatalf("revision %d not applied on B in 30 s", rev)
			}
		}
	}
	rev, err := commit(ctx, 1, true, false)
	if err != nil {
		b.Fatal(err)
	}
	await(rev)

	lat := make([]time.Duration, 0, b.N)
	early := 0
	b.ResetTimer()
	for i := range b.N {
		if jitter > 0 {
			b.StopTimer()
			time.Sleep(rand.N(jitter))
			b.StartTimer()
		}
		rev, err := commit(ctx, 10+i, true, false)
		returned := time.Now()
		if err != nil {
			b.Fatal(err)
		}
		d := await(rev).Sub(returned)
		if d < 0 {
			early++
			d = 0
		}
		lat = append(lat, d)
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*99+99)/100-1]), "p99-ms")
	b.ReportMetric(float64(early)/float64(len(lat)), "early")
}

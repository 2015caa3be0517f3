package internalaccess

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// AgreementRequests is the number of random requests on which every peer
// must agree with cabinet.
const AgreementRequests = 10_000

// Seeds of the request streams: the agreement requests and the measured
// ones differ, so that no engine is measured on answers it has already
// given (casbin memoises every answer, see the README).
const (
	agreementSeed = 11
	measureSeed   = 12
)

// Answers are cabinet's answers to a list of requests.
type Answers struct {
	Requests []Request
	Allowed  []bool
}

// Answer asks e every request.
func Answer(e Engine, reqs []Request) (Answers, error) {
	out := Answers{Requests: reqs, Allowed: make([]bool, len(reqs))}
	for i, r := range reqs {
		ok, err := e.Check(r.User, r.Dossier)
		if err != nil {
			return out, fmt.Errorf("%s: request %d: %w", e.Name(), i, err)
		}
		out.Allowed[i] = ok
	}
	return out, nil
}

// Disagreement is one request on which a peer and cabinet differ.
type Disagreement struct {
	Engine  string
	Request Request
	Cabinet bool
	Peer    bool
}

// Agree asks e every request of want and returns the requests on which it
// differs from want (cabinet's answers).
func Agree(w *World, e Engine, want Answers) ([]Disagreement, error) {
	var out []Disagreement
	for i, r := range want.Requests {
		ok, err := e.Check(r.User, r.Dossier)
		if err != nil {
			return out, fmt.Errorf("%s: request %d: %w", e.Name(), i, err)
		}
		if ok != want.Allowed[i] {
			out = append(out, Disagreement{Engine: e.Name(), Request: r, Cabinet: want.Allowed[i], Peer: ok})
		}
	}
	return out, nil
}

// DisagreementError formats ds for a failure message, naming the first few.
func DisagreementError(w *World, ds []Disagreement) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s disagrees with cabinet on %d of %d requests:", ds[0].Engine, len(ds), AgreementRequests)
	for _, d := range ds[:min(len(ds), 10)] {
		fmt.Fprintf(&b, "\n  user %s, dossier %s: cabinet %v, %s %v", w.Users[d.Request.User].ID, w.Dossiers[d.Request.Dossier].ID, d.Cabinet, d.Engine, d.Peer)
	}
	return fmt.Errorf("%s", b.String())
}

// Row is one line of the results table.
type Row struct {
	Engine      string
	Size        string
	Load        time.Duration // building the engine from the state
	Fill        time.Duration // cabinet only: writing the state into the memory store
	Heap        uint64        // bytes retained by the engine after load (after GC)
	StoreHeap   uint64        // cabinet only: the part of Heap held by the memory store
	RandomNs    float64       // ns per random Check
	RandomAlloc float64       // allocations per random Check
	RepeatNs    float64       // ns per Check of one repeated request
	RepeatAlloc float64
	Allowed     float64 // share of the random requests allowed
}

// heapNow returns the live heap after two garbage collections.
func heapNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// Budget bounds a measurement: at most N checks and at most D of time.
type Budget struct {
	N int
	D time.Duration
}

// Measure runs random checks on e within b, then repeated checks of one
// request, and returns the figures.
func Measure(w *World, e Engine, b Budget) (Row, error) {
	row := Row{Engine: e.Name(), Size: w.Size.Name}
	reqs := w.Requests(b.N, measureSeed)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	mallocs := ms.Mallocs
	allowed := 0
	start := time.Now()
	n := 0
	for n < len(reqs) {
		// Check the clock every 256 requests only.
		for _, r := range reqs[n:min(n+256, len(reqs))] {
			ok, err := e.Check(r.User, r.Dossier)
			if err != nil {
				return row, err
			}
			if ok {
				allowed++
			}
		}
		n = min(n+256, len(reqs))
		if time.Since(start) >= b.D {
			break
		}
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&ms)
	row.RandomNs = float64(elapsed.Nanoseconds()) / float64(n)
	row.RandomAlloc = float64(ms.Mallocs-mallocs) / float64(n)
	row.Allowed = float64(allowed) / float64(n)

	// One request, asked again and again: the dossier's manager (allowed).
	r := Request{User: managerIndex(w, 0), Dossier: 0}
	if _, err := e.Check(r.User, r.Dossier); err != nil {
		return row, err
	}
	runtime.ReadMemStats(&ms)
	mallocs = ms.Mallocs
	reps := 0
	start = time.Now()
	for time.Since(start) < b.D/4 {
		for range 256 {
			if _, err := e.Check(r.User, r.Dossier); err != nil {
				return row, err
			}
		}
		reps += 256
	}
	elapsed = time.Since(start)
	runtime.ReadMemStats(&ms)
	row.RepeatNs = float64(elapsed.Nanoseconds()) / float64(reps)
	row.RepeatAlloc = float64(ms.Mallocs-mallocs) / float64(reps)
	return row, nil
}

// managerIndex returns the index in w.Users of dossier d's manager.
func managerIndex(w *World, d int) int {
	var i int
	_, _ = fmt.Sscanf(string(w.Dossiers[d].Manager), "u%d", &i)
	return i
}

// Run generates the state of sz, computes cabinet's answers to the
// agreement requests, then, one engine at a time (each dropped before the
// next is built, so that the heap figures do not add up): loads it,
// measures its heap, checks agreement with cabinet (an error on any
// disagreement), and measures its checks within b. progress, if not nil,
// is told what happens.
func Run(ctx context.Context, sz Size, b Budget, progress func(string)) ([]Row, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, args...))
		}
	}
	say("%s: generating %d users, %d dossiers", sz.Name, sz.Users, sz.Dossiers)
	w := Generate(sz)
	reqs := w.Requests(AgreementRequests, agreementSeed)
	var want Answers
	var rows []Row
	for _, l := range Loaders() {
		say("%s: loading %s", sz.Name, l.Name)
		base := heapNow()
		row := Row{Engine: l.Name, Size: sz.Name}
		var e Engine
		var err error
		if l.Name == "cabinet" {
			// Fill and load separately: a restarting service has its store already.
			start := time.Now()
			s, ferr := FillStore(ctx, w)
			if ferr != nil {
				return rows, ferr
			}
			row.Fill = time.Since(start)
			row.StoreHeap = heapNow() - base
			start = time.Now()
			e, err = LoadCabinet(ctx, w, s)
			row.Load = time.Since(start)
		} else {
			start := time.Now()
			e, err = l.Load(ctx, w)
			row.Load = time.Since(start)
		}
		if err != nil {
			return rows, fmt.Errorf("%s: loading: %w", l.Name, err)
		}
		row.Heap = heapNow() - base
		if l.Name == "cabinet" {
			if want, err = Answer(e, reqs); err != nil {
				return rows, err
			}
		} else {
			say("%s: %s agreement on %d requests", sz.Name, l.Name, len(reqs))
			ds, err := Agree(w, e, want)
			if err != nil {
				return rows, err
			}
			if len(ds) > 0 {
				return rows, DisagreementError(w, ds)
			}
		}
		say("%s: measuring %s", sz.Name, l.Name)
		m, err := Measure(w, e, b)
		if err != nil {
			return rows, err
		}
		row.RandomNs, row.RandomAlloc, row.RepeatNs, row.RepeatAlloc, row.Allowed = m.RandomNs, m.RandomAlloc, m.RepeatNs, m.RepeatAlloc, m.Allowed
		rows = append(rows, row)
	}
	return rows, nil
}

// Table formats rows as one aligned text table.
func Table(rows []Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s %-6s %12s %10s %10s %12s %10s %12s %10s %8s\n",
		"engine", "size", "load", "heap MB", "fill", "random ns/op", "allocs/op", "repeat ns/op", "allocs/op", "allowed")
	for _, r := range rows {
		fill := "-"
		if r.Fill > 0 {
			fill = r.Fill.Round(time.Millisecond).String()
		}
		heap := fmt.Sprintf("%.1f", float64(r.Heap)/(1<<20))
		fmt.Fprintf(&b, "%-9s %-6s %12s %10s %10s %12.0f %10.1f %12.0f %10.1f %7.1f%%\n",
			r.Engine, r.Size, r.Load.Round(time.Millisecond), heap, fill,
			r.RandomNs, r.RandomAlloc, r.RepeatNs, r.RepeatAlloc, 100*r.Allowed)
	}
	for _, r := range rows {
		if r.StoreHeap > 0 {
			fmt.Fprintf(&b, "cabinet %s: heap %.1f MB = memory store %.1f MB + policy index %.1f MB; fill = writing the state through the store Writers, load = policy.New\n",
				r.Size, float64(r.Heap)/(1<<20), float64(r.StoreHeap)/(1<<20), float64(r.Heap-r.StoreHeap)/(1<<20))
		}
	}
	return b.String()
}

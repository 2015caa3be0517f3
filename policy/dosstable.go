package policy

import (
	"hash/maphash"

	"github.com/cabinet-go/cabinet"
)

// dossChunk is the number of dossier records in one chunk of a dossTable.
const dossChunk = 4096

// dossTable holds the index's dossier records and finds them by ID (issue
// 15: the resident peak of a load). The records live in chunks of
// dossChunk, each allocated once at its full size, so the table grows
// without copying what it holds (a growing slice of a million records
// copies tens of megabytes at every doubling, and the old array lives
// until the next GC), and a *dossRec stays valid for the table's life.
// The IDs are found through an open-addressing table of record indexes
// (linear probing, at most 3/4 full): 4 bytes a slot instead of a map
// entry holding the ID's string header again, and a lookup that compares
// the ID in the record it is about to read anyway. Records are never
// removed (a deleted dossier keeps its record, not existing), so the table
// needs no tombstones. Each slot has a tag beside it, the top byte of its
// ID's hash: a lookup reads a record (and compares its ID, a cache miss
// each on a large table) only where the tag matches, instead of at every
// slot of the probe (issue 15: a page of 50 random dossiers). Not safe
// for concurrent writes: the index mutates it under the engine's write
// lock.
type dossTable struct {
	chunks [][]dossRec
	n      uint32
	slots  []uint32 // record index + 1; 0 is an empty slot; len is a power of two
	tags   []uint8  // tags[h]: the top byte of the hash of slot h's ID
	seed   maphash.Seed
}

func newDossTable() dossTable {
	return dossTable{slots: make([]uint32, 64), tags: make([]uint8, 64), seed: maphash.MakeSeed()}
}

// tagOf is the tag of hash h.
func tagOf(h uint64) uint8 { return uint8(h >> 56) }

// len returns the number of records.
func (t *dossTable) len() uint32 { return t.n }

// at returns record i (i < len).
func (t *dossTable) at(i uint32) *dossRec { return &t.chunks[i/dossChunk][i%dossChunk] }

// find returns the index of id's record, or false.
func (t *dossTable) find(id cabinet.DossierID) (uint32, bool) {
	mask := uint64(len(t.slots) - 1)
	hash := maphash.String(t.seed, string(id))
	tag := tagOf(hash)
	for h := hash & mask; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			return 0, false
		}
		if t.tags[h] == tag && t.at(s-1).id == id {
			return s - 1, true
		}
	}
}

// add appends a record for id, which must not be in the table, and
// returns its index.
func (t *dossTable) add(id cabinet.DossierID) uint32 {
	if (t.n+1)*4 > uint32(len(t.slots))*3 {
		t.grow()
	}
	i := t.n
	if i%dossChunk == 0 {
		t.chunks = append(t.chunks, make([]dossRec, 0, dossChunk))
	}
	c := &t.chunks[len(t.chunks)-1]
	*c = append(*c, dossRec{id: id, idx: i})
	t.n++
	t.place(id, i)
	return i
}

// place puts record index i, whose ID is id, in its slot.
func (t *dossTable) place(id cabinet.DossierID, i uint32) {
	mask := uint64(len(t.slots) - 1)
	hash := maphash.String(t.seed, string(id))
	h := hash & mask
	for t.slots[h] != 0 {
		h = (h + 1) & mask
	}
	t.slots[h] = i + 1
	t.tags[h] = tagOf(hash)
}

// grow doubles the slots and places every record again.
func (t *dossTable) grow() {
	t.slots = make([]uint32, 2*len(t.slots))
	t.tags = make([]uint8, len(t.slots))
	for i := range t.n {
		t.place(t.at(i).id, i)
	}
}

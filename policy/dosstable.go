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
// needs no tombstones. A slot's low bits hold the record index + 1 (it
// fits: the table is at most 3/4 full, so index + 1 < len(slots)); its
// bits above them hold a tag, those bits of the ID's hash (hash>>32): a
// lookup reads a record (and compares its ID, a cache miss each on a large
// table) only where the tag matches, instead of at every slot of its probe
// (issue 15: a page of 50 random dossiers), with no memory beside the
// slots. Not safe for concurrent writes: the index mutates it under the
// engine's write lock.
type dossTable struct {
	chunks [][]dossRec
	n      uint32
	// slots: tag | record index + 1 (slotOf); 0 is an empty slot; len is
	// a power of two.
	slots []uint32
	seed  maphash.Seed
}

func newDossTable() dossTable {
	return dossTable{slots: make([]uint32, 64), seed: maphash.MakeSeed()}
}

// slotOf is the slot of record index i whose ID hashes to hash, in slots
// of mask len(slots)-1: the hash's tag above the record index + 1.
func slotOf(hash uint64, mask uint32, i uint32) uint32 {
	return uint32(hash>>32)&^mask | (i + 1)
}

// len returns the number of records.
func (t *dossTable) len() uint32 { return t.n }

// at returns record i (i < len).
func (t *dossTable) at(i uint32) *dossRec { return &t.chunks[i/dossChunk][i%dossChunk] }

// find returns the index of id's record, or false.
func (t *dossTable) find(id cabinet.DossierID) (uint32, bool) {
	hash := maphash.String(t.seed, string(id))
	return t.findFrom(id, hash, hash&uint64(len(t.slots)-1))
}

// findFrom continues find's probe of id, whose hash is hash, at slot h.
func (t *dossTable) findFrom(id cabinet.DossierID, hash, h uint64) (uint32, bool) {
	mask := uint64(len(t.slots) - 1)
	tag := uint32(hash>>32) &^ uint32(mask)
	for ; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			return 0, false
		}
		if s&^uint32(mask) == tag {
			if i := s&uint32(mask) - 1; t.at(i).id == id {
				return i, true
			}
		}
	}
}

// findRun is the most IDs findAll looks up in one go.
const findRun = 64

// findAll sets out[k] to the index + 1 of ids[k]'s record, 0 when there is
// none, for len(ids) <= findRun IDs (out as long): the answers of find,
// found in phases across the IDs rather than one ID after the other. On a
// large table each lookup is a chain of dependent cache misses — the slot,
// then the record (to compare the ID), then the ID's bytes — which find
// takes one after the other; here every ID's slot is loaded first, then
// every candidate's record, then their IDs compared, so the loads of a
// phase are independent and the processor overlaps them (issue 15: a page
// of 50 random dossiers). A candidate whose ID is not the one looked up (a
// tag shared by chance) continues as find does, from the next slot.
func (t *dossTable) findAll(ids []cabinet.DossierID, out []uint32) {
	ids, out = ids[:min(len(ids), findRun)], out[:len(ids)]
	mask := uint64(len(t.slots) - 1)
	var hashes [findRun]uint64
	var homes [findRun]uint32
	// Phase 1: hash every ID and load its home slot.
	for k, id := range ids {
		hash := maphash.String(t.seed, string(id))
		hashes[k] = hash
		homes[k] = t.slots[hash&mask]
	}
	// Phase 2: walk each probe (in the line phase 1 loaded, mostly) to
	// its first slot of a matching tag, and load that record's ID.
	var at [findRun]uint64 // the candidate's slot
	var cand [findRun]cabinet.DossierID
	for k := range ids {
		hash := hashes[k]
		tag := uint32(hash>>32) &^ uint32(mask)
		out[k] = 0
		h, s := hash&mask, homes[k]
		for s != 0 && s&^uint32(mask) != tag {
			h = (h + 1) & mask
			s = t.slots[h]
		}
		if s == 0 {
			continue // not there; out[k] stays 0, cand[k] ""
		}
		i := s&uint32(mask) - 1
		at[k], out[k] = h, i+1
		cand[k] = t.at(i).id
	}
	// Phase 3: compare the IDs; a mismatch probes on.
	for k, id := range ids {
		if out[k] == 0 || cand[k] == id {
			continue
		}
		out[k] = 0
		if i, ok := t.findFrom(id, hashes[k], (at[k]+1)&mask); ok {
			out[k] = i + 1
		}
	}
}

// add appends a record for id, which must not be in the table, and
// returns its index.
func (t *dossTable) add(id cabinet.DossierID) uint32 {
	if full(t.n+1, len(t.slots)) {
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

// full reports whether n records make slots of length slots more than 3/4
// full. It counts in 64 bits: n*4 overflows 32 bits from 2^30 records on.
func full(n uint32, slots int) bool { return uint64(n)*4 > uint64(slots)*3 }

// place puts record index i, whose ID is id, in its slot.
func (t *dossTable) place(id cabinet.DossierID, i uint32) {
	mask := uint64(len(t.slots) - 1)
	hash := maphash.String(t.seed, string(id))
	h := hash & mask
	for t.slots[h] != 0 {
		h = (h + 1) & mask
	}
	t.slots[h] = slotOf(hash, uint32(mask), i)
}

// grow doubles the slots and places every record again.
func (t *dossTable) grow() {
	t.slots = make([]uint32, 2*len(t.slots))
	for i := range t.n {
		t.place(t.at(i).id, i)
	}
}

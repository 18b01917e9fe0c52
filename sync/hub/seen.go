package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/webhooks"
)

// ---- first seen by product ----

// seenNamespace holds the steps: key "<scope>/<seq %020d>" (zero-padded,
// so keys sort by seq within a scope), value the time (RFC 3339).
const seenNamespace = "seen"

// seenStep says product had read a scope up to seq at a time.
type seenStep struct {
	Scope string    `json:"scope"`
	Seq   uint64    `json:"seq"`
	At    time.Time `json:"at"`
}

// seenSteps is the first-seen record: per scope, an increasing list of
// (seq, time) steps. An evidence item first written at seq n in its scope
// was first seen at the earliest time of a step with seq ≥ n. One step per
// product read that advanced a scope keeps this tiny (no per-item writes),
// and recording it costs a product pull one small document write —
// nothing on the push path. The store holds the steps of every replica;
// each keeps them in memory too and re-reads the store now and then
// (refresh) for steps other replicas recorded.
type seenSteps struct {
	store hubdb.Store // nil: memory only (a legacy file being read)
	log   *slog.Logger

	mu        sync.Mutex
	steps     map[string][]seenStep
	known     map[seenStep]bool
	pending   []seenStep // not yet applied to the index
	refreshed time.Time
}

// seenRefresh is how often the steps of other replicas are read.
const seenRefresh = 30 * time.Second

func newSeenSteps(store hubdb.Store, log *slog.Logger) *seenSteps {
	return &seenSteps{store: store, log: log, steps: map[string][]seenStep{}, known: map[seenStep]bool{}}
}

// loadSeenSteps reads the steps from the store.
func loadSeenSteps(ctx context.Context, store hubdb.Store, log *slog.Logger) (*seenSteps, error) {
	s := newSeenSteps(store, log)
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	s.pending = nil // the index is empty: nothing to stamp yet
	return s, nil
}

func seenDocKey(st seenStep) string { return fmt.Sprintf("%s/%020d", st.Scope, st.Seq) }

func parseSeenDoc(d hubdb.Doc) (seenStep, bool) {
	i := strings.LastIndexByte(d.Key, '/')
	if i <= 0 {
		return seenStep{}, false
	}
	seq, err := strconv.ParseUint(d.Key[i+1:], 10, 64)
	at, terr := time.Parse(time.RFC3339Nano, string(d.Value))
	return seenStep{Scope: d.Key[:i], Seq: seq, At: at.UTC()}, err == nil && terr == nil
}

// load merges the store's steps into memory.
func (s *seenSteps) load(ctx context.Context) error {
	var docs []hubdb.Doc
	err := s.store.ViewDocs(ctx, func(rd hubdb.DocReader) error {
		var err error
		docs, err = rd.ScanDocs(seenNamespace, "", "", 0)
		return err
	})
	if err != nil {
		return notebook.Wrap(notebook.ErrorCode(err), err, "read the first-seen steps: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range docs {
		if st, ok := parseSeenDoc(d); ok {
			s.mergeLocked(st)
		}
	}
	s.refreshed = time.Now()
	return nil
}

// refresh reads the steps other replicas recorded, at most every seenRefresh.
func (s *seenSteps) refresh(ctx context.Context) {
	s.mu.Lock()
	due := s.store != nil && time.Since(s.refreshed) >= seenRefresh
	s.mu.Unlock()
	if due {
		if err := s.load(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("first-seen steps: refresh", "err", err)
		}
	}
}

// mergeLocked adds a step from anywhere (the store, another replica) in
// seq order, keeping each step's time the earliest of the steps at or
// above its seq, so firstSeenLocked's binary search stays right.
func (s *seenSteps) mergeLocked(st seenStep) {
	if s.known[st] {
		return
	}
	s.known[st] = true
	list := append(s.steps[st.Scope], st)
	sort.SliceStable(list, func(i, j int) bool { return list[i].Seq < list[j].Seq })
	for i := len(list) - 2; i >= 0; i-- {
		if list[i+1].At.Before(list[i].At) {
			list[i].At = list[i+1].At
		}
	}
	s.steps[st.Scope] = list
	s.pending = append(s.pending, st)
	sort.SliceStable(s.pending, func(i, j int) bool { return s.pending[i].At.Before(s.pending[j].At) })
}

// addLocked appends a step of this process when it advances its scope.
func (s *seenSteps) addLocked(st seenStep) bool {
	list := s.steps[st.Scope]
	if len(list) > 0 && list[len(list)-1].Seq >= st.Seq {
		return false
	}
	s.known[st] = true
	s.steps[st.Scope] = append(list, st)
	s.pending = append(s.pending, st)
	return true
}

// record notes that product has read every scope up to seqs at time at,
// and writes the new steps to the store. A failed write is logged: losing
// a step only makes first-seen a little later, never wrong the other way.
func (s *seenSteps) record(seqs map[string]uint64, at time.Time) {
	s.mu.Lock()
	var added []seenStep
	for scope, seq := range seqs {
		st := seenStep{Scope: scope, Seq: seq, At: at.UTC()}
		if seq > 0 && s.addLocked(st) {
			added = append(added, st)
		}
	}
	s.mu.Unlock()
	if s.store == nil || len(added) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for len(added) > 0 {
		chunk := added[:min(len(added), hubdb.MaxDocWrites)]
		added = added[len(chunk):]
		err := s.store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
			for _, st := range chunk {
				if err := tx.PutDoc(seenNamespace, seenDocKey(st), []byte(st.At.Format(time.RFC3339Nano))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			s.log.Warn("first-seen steps: record", "err", err)
			return
		}
	}
}

// firstSeenLocked is when product first read seq of scope (zero: not yet).
func (s *seenSteps) firstSeenLocked(scope string, seq uint64) time.Time {
	list := s.steps[scope]
	lo, hi := 0, len(list)
	for lo < hi {
		m := (lo + hi) / 2
		if list[m].Seq >= seq {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo == len(list) {
		return time.Time{}
	}
	return list[lo].At
}

// drain returns the steps added since the last drain.
func (s *seenSteps) drain() []seenStep {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.pending
	s.pending = nil
	return out
}

// close is kept for callers of the file-era API; the steps hold no file.
func (s *seenSteps) close() {}

// openSeenSteps reads a legacy seen.ndjson (hubs before the store kept
// the steps; ImportProductDir and InsightsFromStore) into memory. A torn
// last line from a crash mid-append is skipped.
func openSeenSteps(dir string) (*seenSteps, error) {
	s := newSeenSteps(nil, slog.New(slog.DiscardHandler))
	if dir == "" {
		return s, nil
	}
	path := filepath.Join(dir, "seen.ndjson")
	data, err := readLegacyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var st seenStep
		if json.Unmarshal(line, &st) == nil && st.Scope != "" {
			s.addLocked(st)
		}
	}
	s.pending = nil
	return s, nil
}

// all lists every step, by scope then seq.
func (s *seenSteps) all() []seenStep {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []seenStep
	for _, scope := range sortedKeys(s.steps) {
		out = append(out, s.steps[scope]...)
	}
	return out
}

func readLegacyFile(path string) ([]byte, error) { return webhooks.ReadRegular(path) }

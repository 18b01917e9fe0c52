package replica

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

var (
	flagSeeds = flag.Int("sync.seeds", 100, "seeds of the multi-client sync harness")
	flagSeed  = flag.Int64("sync.seed", -1, "run only this seed")
	flagSteps = flag.Int("sync.steps", 40, "random steps per seed")
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// device is one installation: a real store and an engine through the proxy.
type device struct {
	name string
	user hub.NewUser
	st   *store.Store
	eng  *syncclient.Engine
}

// world is one seed: a hub, a fault-injecting proxy, three devices (two of
// one field rep, one of a product manager) and what they did.
type world struct {
	t             *testing.T
	rng           *rand.Rand
	hub           *synctest.Hub
	proxy         *synctest.Proxy
	devs          []*device
	mu            sync.Mutex
	ids           map[notebook.Type][]string  // every id created, by type
	created       map[string]*device          // id → creator
	deleted       map[string]*device          // id → a device that deleted it locally
	refusedByRule map[string]map[*device]bool // ids a device wrote against the role rules (the hub refuses)
	shared        string                      // the call both rep devices edit concurrently
	texts         [2]string                   // the two concurrent notes bodies
	tolerated     int                         // records skipped for a refused write (see forbid)
}

// seedScope runs a seed's clean-ups when the seed ends rather than when
// the whole test ends: testing keeps every finished subtest (and so its
// clean-up closures) until its parent ends, which would keep a hundred
// seeds' in-memory Badgers alive.
type seedScope struct {
	testing.TB
	cleanups []func()
}

func (s *seedScope) Cleanup(f func()) { s.cleanups = append(s.cleanups, f) }

func (s *seedScope) close() {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	s.cleanups = nil
}

func openDevice(t testing.TB, name string, u hub.NewUser, url string) *device {
	t.Helper()
	st, err := store.Open(store.Options{InMemory: true, Logger: quiet, Author: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := syncclient.New(syncclient.Config{Replica: New(st), HubURL: url, Token: u.Token, Logger: quiet,
		OnceAttempts: 1, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &device{name: name, user: u, st: st, eng: eng}
}

func newWorld(t *testing.T, tb testing.TB, seed uint64) *world {
	h := synctest.StartHub(tb, synctest.HubOptions{})
	p := synctest.NewProxy(h.URL)
	p.ReorderHold = 20 * time.Millisecond
	tb.Cleanup(p.Close)
	rep, pm := h.AddUser(tb, hubdb.RoleField), h.AddUser(tb, hubdb.RoleProduct)
	w := &world{t: t, rng: rand.New(rand.NewPCG(seed, seed*7919+1)), hub: h, proxy: p,
		ids: map[notebook.Type][]string{}, created: map[string]*device{}, deleted: map[string]*device{},
		refusedByRule: map[string]map[*device]bool{}}
	w.devs = []*device{openDevice(tb, "rep-laptop", rep, p.URL), openDevice(tb, "rep-tablet", rep, p.URL), openDevice(tb, "pm", pm, p.URL)}
	return w
}

func (w *world) remember(d *device, t notebook.Type, id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ids[t] = append(w.ids[t], id)
	w.created[id] = d
}

// forbid notes that d wrote id against the role rules: the hub refuses it,
// and if that refusal's answer is lost the retry only says "duplicate"
// (see the package's known hub gap), so d may keep its refused version.
func (w *world) forbid(d *device, id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.refusedByRule[id] == nil {
		w.refusedByRule[id] = map[*device]bool{}
	}
	w.refusedByRule[id][d] = true
}

func (w *world) wroteForbidden(d *device, id string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.refusedByRule[id][d]
}

func (w *world) pick(t notebook.Type) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.ids[t]) == 0 {
		return ""
	}
	return w.ids[t][w.rng.IntN(len(w.ids[t]))]
}

// heal syncs everyone without faults until each is clean (twice round, so
// every device sees what the others pushed last).
func (w *world) heal(ctx context.Context) {
	w.proxy.SetPolicy(func(int, *http.Request) synctest.Fault { return synctest.Fault{} })
	for round := 0; round < 2; round++ {
		for _, d := range w.devs {
			var err error
			for try := 0; try < 5; try++ {
				if _, err = d.eng.SyncOnce(ctx); err == nil {
					break
				}
			}
			if err != nil {
				w.t.Fatalf("%s does not heal: %v", d.name, err)
			}
		}
	}
}

func TestHarness(t *testing.T) {
	if testing.Short() {
		*flagSeeds = 10
	}
	first, n := int64(1), int64(*flagSeeds)
	if *flagSeed >= 0 {
		first, n = *flagSeed, 1
	}
	var mu sync.Mutex
	summary, tolerated := map[string]int{}, 0
	t.Run("seeds", func(t *testing.T) {
		sem := make(chan struct{}, 2) // overlap injected delays; each seed holds four in-memory Badgers
		for seed := first; seed < first+n; seed++ {
			t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				counts, tol := runSeed(t, uint64(seed))
				mu.Lock()
				defer mu.Unlock()
				tolerated += tol
				for k, v := range counts {
					summary[k.String()] += v
				}
			})
		}
	})
	t.Logf("requests by fault over %d seeds: %v; records skipped for a refused write whose verdict may be lost: %d", n, summary, tolerated)
}

// runSeed plays one seed and returns its fault counts and tolerated records.
func runSeed(t *testing.T, seed uint64) (map[synctest.FaultKind]int, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	scope := &seedScope{TB: t}
	defer scope.close()
	w := newWorld(t, scope, seed)
	w.setupSharedCall(ctx)
	w.proxy.SetPolicy(synctest.RandomPolicy(seed, 0.35))
	for step := 0; step < *flagSteps; step++ {
		w.step(ctx)
	}
	w.concurrentNotes(ctx)
	w.heal(ctx)
	w.verify(ctx)
	return w.proxy.Counts(), w.tolerated
}

// setupSharedCall: the laptop creates a call, both rep devices sync it.
func (w *world) setupSharedCall(ctx context.Context) {
	laptop, tablet := w.devs[0], w.devs[1]
	w.shared = notebook.NewID()
	call := notebook.Call{ID: w.shared, AccountID: notebook.NewID(), Notes: "agenda", StartedAt: time.Now().UTC().Truncate(time.Second)}
	if _, err := laptop.st.Save(ctx, call); err != nil {
		w.t.Fatal(err)
	}
	for _, d := range []*device{laptop, tablet} {
		if _, err := d.eng.SyncOnce(ctx); err != nil {
			w.t.Fatal(err)
		}
	}
}

// concurrentNotes: both rep devices type into the shared call's notes
// without seeing each other's edit (offline), then everyone syncs.
func (w *world) concurrentNotes(ctx context.Context) {
	for i, d := range w.devs[:2] {
		var c notebook.Call
		if err := d.st.Get(ctx, w.shared, &c); err != nil {
			w.t.Fatalf("%s lost the shared call: %v", d.name, err)
		}
		w.texts[i] = fmt.Sprintf("%s typed this on the %s", c.Notes, d.name)
		c.Notes = w.texts[i]
		if _, err := d.st.Save(ctx, c); err != nil {
			w.t.Fatal(err)
		}
	}
}

// step is one random action of one device: an edit, a sync (sometimes two
// devices at once), or nothing (offline).
func (w *world) step(ctx context.Context) {
	d := w.devs[w.rng.IntN(len(w.devs))]
	switch r := w.rng.IntN(10); {
	case r < 6:
		w.edit(ctx, d)
	case r < 8:
		_, _ = d.eng.SyncOnce(ctx) // faults may fail it: that is the point
	case r < 9:
		other := w.devs[(indexOf(w.devs, d)+1)%len(w.devs)]
		var wg sync.WaitGroup
		for _, x := range []*device{d, other} {
			wg.Add(1)
			go func() { defer wg.Done(); _, _ = x.eng.SyncOnce(ctx) }()
		}
		wg.Wait()
	}
}

func indexOf(ds []*device, d *device) int {
	for i, x := range ds {
		if x == d {
			return i
		}
	}
	return -1
}

// edit makes one random local change. Errors are fine (a record deleted
// elsewhere, a taken e-mail address): users meet them too.
func (w *world) edit(ctx context.Context, d *device) {
	isPM := d.user.Role == hubdb.RoleProduct
	n := w.rng.IntN(100)
	switch op := w.rng.IntN(11); op {
	case 0:
		a := notebook.Account{ID: notebook.NewID(), Name: fmt.Sprintf("Account %d", n), Stage: notebook.StageProspect}
		if _, err := d.st.Save(ctx, a); err == nil {
			w.remember(d, notebook.TypeAccount, a.ID)
		}
	case 1:
		var a notebook.Account
		if id := w.pick(notebook.TypeAccount); id != "" && d.st.Get(ctx, id, &a) == nil {
			a.Name, a.Segment = fmt.Sprintf("Renamed %d by %s", n, d.name), []string{"smb", "mid", "ent"}[n%3]
			_, _ = d.st.Save(ctx, a)
		}
	case 2:
		c := notebook.Contact{ID: notebook.NewID(), Email: fmt.Sprintf("p%d.%s@example.com", n, notebook.NewID()[24:]), AccountID: w.pick(notebook.TypeAccount)}
		if _, err := d.st.Save(ctx, c); err == nil {
			w.remember(d, notebook.TypeContact, c.ID)
		}
	case 3:
		var c notebook.Contact
		if id := w.pick(notebook.TypeContact); id != "" && d.st.Get(ctx, id, &c) == nil {
			c.DoNotContact = n%3 != 0 || !isPM // reps only ever set it; the PM may clear it
			c.Title = fmt.Sprintf("title %d", n)
			_, _ = d.st.Save(ctx, c)
		}
	case 4:
		if isPM {
			h := notebook.Hypothesis{ID: notebook.NewID(), Statement: fmt.Sprintf("Teams pay for feature %d", n)}
			if _, err := d.st.Save(ctx, h); err == nil {
				w.remember(d, notebook.TypeHypothesis, h.ID)
			}
			return
		}
		c := notebook.Call{ID: notebook.NewID(), AccountID: notebook.NewID(), Notes: fmt.Sprintf("call %d", n), StartedAt: time.Now().UTC().Truncate(time.Second)}
		if _, err := d.st.Save(ctx, c); err == nil {
			w.remember(d, notebook.TypeCall, c.ID)
		}
	case 5:
		var c notebook.Call
		if id := w.pick(notebook.TypeCall); id != "" && d.st.Get(ctx, id, &c) == nil {
			c.Notes += fmt.Sprintf(" +%d(%s)", n, d.name)
			if _, err := d.st.Save(ctx, c); err == nil && isPM {
				w.forbid(d, id) // the PM's edit of a rep's call is refused by the hub
			}
		}
	case 6:
		w.remove(ctx, d, []notebook.Type{notebook.TypeCall, notebook.TypeAccount, notebook.TypeContact, notebook.TypeOpportunity}[n%4])
	case 7:
		var h notebook.Hypothesis
		if id := w.pick(notebook.TypeHypothesis); id != "" && d.st.Get(ctx, id, &h) == nil {
			h.Rationale = fmt.Sprintf("seen %d times (%s)", n, d.name)
			if _, err := d.st.Save(ctx, h); err == nil && !isPM {
				w.forbid(d, id) // reps are refused
			}
		}
	case 8:
		if !isPM { // a rep trying to write a hypothesis: refused, never applied
			h := notebook.Hypothesis{ID: notebook.NewID(), Statement: "rep hypothesis"}
			if _, err := d.st.Save(ctx, h); err == nil {
				w.remember(d, notebook.TypeHypothesis, h.ID)
				w.forbid(d, h.ID)
			}
		}
	case 9: // a deal: org scope, written by reps and the PM alike
		o := notebook.Opportunity{ID: notebook.NewID(), Name: fmt.Sprintf("Deal %d", n), AccountID: notebook.NewID(), Amount: float64(1000 * n), Currency: "EUR", Status: notebook.DealOpen}
		if _, err := d.st.Save(ctx, o); err == nil {
			w.remember(d, notebook.TypeOpportunity, o.ID)
		}
	case 10: // concurrent edits of one deal: per-field LWW on every replica
		var o notebook.Opportunity
		if id := w.pick(notebook.TypeOpportunity); id != "" && d.st.Get(ctx, id, &o) == nil {
			if n%2 == 0 {
				o.Stage = fmt.Sprintf("stage %d by %s", n, d.name)
			} else {
				o.Amount, o.Status = float64(n*500), []notebook.DealStatus{notebook.DealOpen, notebook.DealWon, notebook.DealLost}[n%3]
			}
			_, _ = d.st.Save(ctx, o)
		}
	}
}

func (w *world) remove(ctx context.Context, d *device, t notebook.Type) {
	id := w.pick(t)
	if id == "" || id == w.shared {
		return
	}
	if err := d.st.Delete(ctx, t, id); err == nil {
		w.mu.Lock()
		w.deleted[id] = d
		w.mu.Unlock()
	}
}

// verify: every store equals the hub for what its user may read; nothing
// lost, duplicated or resurrected; the concurrent notes are both kept.
func (w *world) verify(ctx context.Context) {
	t := w.t
	for _, d := range w.devs {
		if n, _ := d.st.PendingCount(ctx); n != 0 {
			t.Fatalf("%s: %d changes still pending after healing", d.name, n)
		}
		hubView := w.hubView(ctx, d)
		local := localView(ctx, t, d.st)
		for id, env := range hubView {
			l, ok := local[id]
			if w.wroteForbidden(d, id) {
				w.tolerated++
				continue
			}
			switch {
			case env.Deleted && ok && !l.Deleted:
				t.Fatalf("%s: %s %s deleted on the hub but alive here (resurrected)", d.name, env.Type, id)
			case !env.Deleted && (!ok || l.Deleted):
				t.Fatalf("%s: %s %s is on the hub but missing here", d.name, env.Type, id)
			case !env.Deleted && !sameData(env.Data, l.Data):
				rs, _ := d.st.Rejections(ctx)
				t.Fatalf("%s: %s %s differs:\nhub   seq %d %s %s\nlocal seq %d %s %s\nrejections %s",
					d.name, env.Type, id, env.Seq, js(env.Data), js(env.FieldHLC), l.Seq, js(l.Data), js(l.FieldHLC), js(rs))
			}
		}
		for id, l := range local {
			if h, ok := hubView[id]; !l.Deleted && (!ok || h.Deleted) && !w.wroteForbidden(d, id) {
				t.Fatalf("%s: %s %s is alive here but not on the hub", d.name, l.Type, id)
			}
		}
	}
	w.verifyNothingLost(ctx)
	w.verifyNotes(ctx)
}

// hubView is what d's user reads from the hub, straight off the wire.
func (w *world) hubView(ctx context.Context, d *device) map[string]syncproto.Envelope {
	wc := synctest.WireClient{BaseURL: w.hub.URL, Token: d.user.Token}
	recs, _, err := wc.PullAll(ctx, "")
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]syncproto.Envelope{}
	for _, r := range recs {
		out[r.ID] = r
	}
	return out
}

func localView(ctx context.Context, t *testing.T, st *store.Store) map[string]store.Envelope {
	out := map[string]store.Envelope{}
	for _, typ := range notebook.Types {
		err := st.Envelopes(ctx, typ, func(e store.Envelope) error {
			if !e.LocalOnly {
				out[e.ID] = e
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// verifyNothingLost: every record a device created reached the hub unless
// the hub refused it (a visible rejection), and every local delete holds
// unless refused.
func (w *world) verifyNothingLost(ctx context.Context) {
	all := w.hubView(ctx, w.devs[2]) // the PM reads everything
	for id, d := range w.created {
		if _, ok := all[id]; !ok && !refused(ctx, d.st, id) && !w.wroteForbidden(d, id) {
			w.t.Fatalf("%s created %s but the hub never got it (lost)", d.name, id)
		}
	}
	for id, ds := range w.refusedByRule { // refused writes never reached the hub's data
		for d := range ds {
			if env, ok := all[id]; ok && (env.UpdatedBy == d.user.ID && env.Type == "hypothesis" ||
				strings.Contains(js(env.Data), "("+d.name+")")) {
				w.t.Fatalf("%s's refused write to %s %s was applied: %s", d.name, env.Type, id, js(env.Data))
			}
		}
	}
	for id, d := range w.deleted {
		if env, ok := all[id]; ok && !env.Deleted && !refused(ctx, d.st, id) {
			w.t.Fatalf("%s deleted %s but it is alive on the hub", d.name, id)
		}
	}
}

func refused(ctx context.Context, st *store.Store, id string) bool {
	rs, _ := st.Rejections(ctx)
	for _, r := range rs {
		if r.Mutation.ID == id {
			return true
		}
	}
	return false
}

// verifyNotes: both concurrent bodies survive (one as notes, one as a
// conflict copy), and no conflict copy appears twice (no duplicated effect).
func (w *world) verifyNotes(ctx context.Context) {
	for _, d := range w.devs {
		env, err := d.st.Envelope(ctx, notebook.TypeCall, w.shared)
		if err != nil {
			w.t.Fatalf("%s: shared call: %v", d.name, err)
		}
		var notes string
		_ = json.Unmarshal(env.Data["notes"], &notes)
		var copies []hub.NotesConflict
		_ = json.Unmarshal(env.Data["notes_conflicts"], &copies)
		texts := map[string]int{notes: 1}
		seen := map[string]bool{}
		for _, c := range copies {
			var s string
			_ = json.Unmarshal(c.Text, &s)
			texts[s]++
			if key := c.HLC + c.ClientID; seen[key] {
				w.t.Fatalf("%s: conflict copy %s kept twice", d.name, key)
			} else {
				seen[key] = true
			}
		}
		for _, typed := range w.texts {
			if texts[typed] == 0 {
				w.t.Fatalf("%s: typed notes %q lost; notes %q, conflicts %s", d.name, typed, notes, env.Data["notes_conflicts"])
			}
		}
	}
}

func sameData(a, b map[string]json.RawMessage) bool {
	var x, y any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &x)
	_ = json.Unmarshal(jb, &y)
	return reflect.DeepEqual(x, y)
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

// Command bench is `make bench`: it starts a real fieldhub (and a real
// Dovecot) on loopback, fills them from a deterministic seeded generator,
// and times whole processes — the app's `fieldnotes sync` and `fieldnotes
// mail sync` — against their floors in the same run (a plain client that
// pulls the same pages and keeps nothing; mbsync on the same folders), and
// `fieldnotes import` of a 100k-row Salesforce report against its own dry
// run (importbench.go), then runs the Go benchmarks that have floors of
// their own (durable save vs one fsynced Badger commit; the revenue roll-up
// vs the roll-up without it). It prints one table and writes build/bench.md.
//
// Floors and the app run in the same run because the machine is shared:
// absolute figures are noisy, ratios much less so. The load average is
// printed beside the table.
//
//	go run ./scripts/bench -app build/bin/fieldnotes -hub build/bin/fieldhub
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"fieldnotes/sync/syncproto"
)

// benchKey is the data key of the benchmark notebooks (an encrypted store,
// as a user's; the key is no secret here).
const benchKey = "62656e63686b65792d6e6f742d612d7365637265742d6a7573742d62656e6368"

type options struct {
	app, hub  string
	before    string // optional: an older fieldnotes binary timed in the same run
	records   []int
	imports   []int
	sync      bool
	seed      uint64
	out       string
	mail      bool
	goBench   bool
	keep      bool
	mailSizes string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "floor-pull" {
		os.Exit(floorPullMain(os.Args[2:]))
	}
	var o options
	var records string
	flag.StringVar(&o.app, "app", "build/bin/fieldnotes-bench", "the fieldnotes binary")
	flag.StringVar(&o.before, "app-before", "", "an older fieldnotes binary to time beside -app (before/after in one run)")
	flag.StringVar(&o.hub, "hub", "build/bin/fieldhub", "the fieldhub binary")
	flag.StringVar(&records, "records", "100000", "notebook sizes to sync, comma-separated (e.g. 100000,1000000)")
	flag.Uint64Var(&o.seed, "seed", 13, "generator seed")
	flag.StringVar(&o.out, "out", "build/bench.md", "where the table goes")
	flag.BoolVar(&o.mail, "mail", true, "time mail sync against mbsync on a real Dovecot")
	flag.StringVar(&o.mailSizes, "mail-sizes", "3000:300:900,10000:0:2000", "INBOX:Sent:relevant mailboxes to pull")
	flag.BoolVar(&o.goBench, "go-bench", true, "run the Go benchmarks with floors (durable save)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directories")
	flag.BoolVar(&o.sync, "sync", true, "time the first sync (and the notebook it makes)")
	imports := flag.String("import-rows", "100000", "CRM report sizes to import, comma-separated (empty: none)")
	flag.Parse()
	o.records = sizes("records", records)
	o.imports = sizes("import-rows", *imports)
	t := &table{}
	t.note("machine: %s", machine())
	t.note("load before: %s", loadavg())
	ctx := context.Background()
	failed := false
	for _, n := range o.records {
		if !o.sync {
			break
		}
		if err := benchSync(ctx, o, n, t); err != nil {
			fmt.Fprintln(os.Stderr, "bench: first sync:", err)
			failed = true
		}
	}
	for _, n := range o.imports {
		if err := benchImport(ctx, o, n, t); err != nil {
			fmt.Fprintln(os.Stderr, "bench: import:", err)
			failed = true
		}
	}
	if o.mail {
		if err := benchMail(ctx, o, t); err != nil {
			fmt.Fprintln(os.Stderr, "bench: mail:", err)
			failed = true
		}
	}
	if o.goBench {
		if err := benchGo(t); err != nil {
			fmt.Fprintln(os.Stderr, "bench: go benchmarks:", err)
			failed = true
		}
	}
	t.note("load after: %s", loadavg())
	md := t.markdown()
	fmt.Print(md)
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err == nil {
		if err := os.WriteFile(o.out, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// sizes parses a comma-separated list of sizes (each ≥ 10); "" is none.
func sizes(flagName, list string) []int {
	var out []int
	for _, r := range strings.Split(list, ",") {
		if strings.TrimSpace(r) == "" {
			continue
		}
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(r), &n); err != nil || n < 10 {
			fmt.Fprintf(os.Stderr, "bench: -%s %q: want numbers ≥ 10\n", flagName, list)
			os.Exit(2)
		}
		out = append(out, n)
	}
	return out
}

// ---------------------------------------------------------------- the table

type row struct{ what, app, floor, ratio, goal, load string }

type table struct {
	rows  []row
	notes []string
}

func (t *table) add(r row) {
	r.load = loadavg()
	t.rows = append(t.rows, r)
	fmt.Fprintf(os.Stderr, "bench: %s: %s (floor %s, %s; goal %s; load %s)\n", r.what, r.app, r.floor, r.ratio, r.goal, r.load)
}

func (t *table) note(format string, args ...any) {
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

func (t *table) markdown() string {
	var b strings.Builder
	b.WriteString("| what the user waits for | fieldnotes | floor / peer, same run | ratio | goal | load (1/5/15 min) |\n|---|---|---|---|---|---|\n")
	for _, r := range t.rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.what, r.app, r.floor, r.ratio, r.goal, r.load)
	}
	b.WriteString("\n")
	for _, n := range t.notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	return b.String()
}

func ratio(app, floor time.Duration) string {
	if floor <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", app.Seconds()/floor.Seconds())
}

func secs(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func machine() string {
	model := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				model = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
		if len(f) >= 2 {
			var kb int
			if _, err := fmt.Sscan(f[1], &kb); err == nil {
				mem = fmt.Sprintf(", %.1f GB RAM", float64(kb)/1e6)
			}
		}
	}
	return fmt.Sprintf("%d cores (%s)%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// ---------------------------------------------------------------- processes

// timed is one whole process: wall time, CPU, peak resident memory.
type timed struct {
	wall, cpu time.Duration
	maxRSSMB  float64
	stdout    string
}

func run(ctx context.Context, env []string, name string, args ...string) (timed, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	t := timed{wall: time.Since(start), stdout: out.String()}
	if cmd.ProcessState != nil {
		t.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			t.maxRSSMB = float64(ru.Maxrss) / 1024
		}
	}
	if err != nil {
		return t, fmt.Errorf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, clip(out.String()), clip(errb.String()))
	}
	return t, nil
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitPort(port int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on 127.0.0.1:%d after %s", port, within)
}

func tempDir(o options, pattern string) (string, func(), error) {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", nil, err
	}
	return dir, func() {
		if o.keep {
			fmt.Fprintln(os.Stderr, "bench: kept", dir)
			return
		}
		os.RemoveAll(dir)
	}, nil
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// ---------------------------------------------------------------- the hub

type hubProc struct {
	url  string
	dir  string
	cmd  *exec.Cmd
	http *http.Client
}

type hubUser struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

func (h *hubProc) addUser(ctx context.Context, bin, email, role string) (hubUser, error) {
	t, err := run(ctx, nil, bin, "user", "add", "--data", h.dir, "--email", email, "--role", role)
	if err != nil {
		return hubUser{}, err
	}
	var u hubUser
	if err := json.Unmarshal([]byte(t.stdout), &u); err != nil || u.Token == "" {
		return hubUser{}, fmt.Errorf("fieldhub user add printed %q", t.stdout)
	}
	return u, nil
}

func startHub(ctx context.Context, bin, dir string) (*hubProc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "hub.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--data", filepath.Join(dir, "hub"), "--addr", fmt.Sprintf("127.0.0.1:%d", port))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	h := &hubProc{url: fmt.Sprintf("http://127.0.0.1:%d", port), dir: filepath.Join(dir, "hub"), cmd: cmd, http: &http.Client{Timeout: 5 * time.Minute}}
	if err := waitPort(port, 30*time.Second); err != nil {
		h.stop()
		return nil, err
	}
	return h, nil
}

func (h *hubProc) stop() {
	if h.cmd.Process != nil {
		_ = h.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = h.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = h.cmd.Process.Kill()
			<-done
		}
	}
}

// push sends muts as user, 500 a request, waiting out 429s.
func (h *hubProc) push(ctx context.Context, u hubUser, clientID string, muts []syncproto.Mutation) error {
	var next uint64 = 1
	for len(muts) > 0 {
		n := min(len(muts), syncproto.MaxPushMutations)
		batch := make([]syncproto.Mutation, n)
		copy(batch, muts[:n])
		size := 0
		for i := range batch {
			batch[i].MutationID = next + uint64(i)
			for _, v := range batch[i].Fields {
				size += len(v) + 40
			}
			if size > 900<<10 { // stay under the 1 MiB request bound
				batch = batch[:i]
				break
			}
		}
		body, _ := json.Marshal(syncproto.PushRequest{ClientID: clientID, Mutations: batch})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.url+"/v1/sync/push", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+u.Token)
		req.Header.Set(syncproto.HeaderVersion, syncproto.Version)
		req.Header.Set("Content-Type", "application/json")
		resp, err := h.http.Do(req)
		if err != nil {
			return err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			time.Sleep(time.Second)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("push: HTTP %d %s", resp.StatusCode, clip(string(raw)))
		}
		var pr syncproto.PushResponse
		if err := json.Unmarshal(raw, &pr); err != nil {
			return err
		}
		for _, r := range pr.Results {
			if r.Status == syncproto.StatusRejected {
				return fmt.Errorf("push: mutation %d rejected: %s %s", r.MutationID, r.Code, r.Message)
			}
		}
		next += uint64(len(batch))
		muts = muts[len(batch):]
	}
	return nil
}

// ---------------------------------------------------------------- first sync

func benchSync(ctx context.Context, o options, n int, t *table) error {
	dir, cleanup, err := tempDir(o, "fieldnotes-bench-sync-")
	if err != nil {
		return err
	}
	defer cleanup()
	hubDir := filepath.Join(dir, "hub")
	h := &hubProc{dir: hubDir}
	seeders := make([]hubUser, 3)
	for i := range seeders {
		if seeders[i], err = h.addUser(ctx, o.hub, fmt.Sprintf("seeder%d@bench.example", i), "field"); err != nil {
			return err
		}
	}
	rep, err := h.addUser(ctx, o.hub, "rep@bench.example", "field")
	if err != nil {
		return err
	}
	hp, err := startHub(ctx, o.hub, dir)
	if err != nil {
		return err
	}
	defer hp.stop()
	start := time.Now()
	data := generate(o.seed, n)
	if err := seed(ctx, hp, seeders, rep, data); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: seeded %d records in %s\n", n, secs(time.Since(start)))

	self, err := os.Executable()
	if err != nil {
		return err
	}
	floor, err := run(ctx, nil, self, "floor-pull", "-hub", hp.url, "-token", rep.Token)
	if err != nil {
		return err
	}
	nb := filepath.Join(dir, "notebook")
	env := []string{"FIELDNOTES_KEY=" + benchKey, replicaTokenEnv + "=" + rep.Token}
	app, err := run(ctx, env, o.app, "--data", nb, "sync", "--hub", hp.url)
	if err != nil {
		return err
	}
	if !strings.Contains(app.stdout, fmt.Sprintf("pulled %d record", n)) {
		return fmt.Errorf("fieldnotes sync did not pull %d records: %s", n, app.stdout)
	}
	goal := "—"
	switch n {
	case 100_000:
		goal = "≤ 2 s, ≤ 3×"
	case 1_000_000:
		goal = "≤ 25 s, ≤ 600 MB"
	}
	t.add(row{what: fmt.Sprintf("first `fieldnotes sync` of %s records into a fresh encrypted notebook (30%% accounts, 50%% contacts, 20%% calls with ~1 KB notes)", count(n)),
		app:   fmt.Sprintf("%s (CPU %s, peak RSS %.0f MB)", secs(app.wall), secs(app.cpu), app.maxRSSMB),
		floor: fmt.Sprintf("plain pull of the same pages, keeping nothing: %s (peak RSS %.0f MB)", secs(floor.wall), floor.maxRSSMB),
		ratio: ratio(app.wall, floor.wall), goal: goal})
	if o.before != "" {
		old, err := run(ctx, env, o.before, "--data", filepath.Join(dir, "notebook-before"), "sync", "--hub", hp.url)
		if err != nil {
			return err
		}
		t.add(row{what: fmt.Sprintf("the same first sync of %s records by %s (before)", count(n), filepath.Base(o.before)),
			app:   fmt.Sprintf("%s (CPU %s, peak RSS %.0f MB)", secs(old.wall), secs(old.cpu), old.maxRSSMB),
			floor: "the plain pull above", ratio: ratio(old.wall, floor.wall), goal: "—"})
	}
	return benchScale(ctx, o, nb, n, data, t)
}

const replicaTokenEnv = "FIELDNOTES_HUB_TOKEN" // app/replica.EnvToken

func count(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// seed pushes org records through the seeders (in parallel: the hub's
// per-user push limits) and calls as the rep.
func seed(ctx context.Context, h *hubProc, seeders []hubUser, rep hubUser, d dataset) error {
	errs := make(chan error, len(seeders)+1)
	per := (len(d.org) + len(seeders) - 1) / len(seeders)
	for i, u := range seeders {
		part := d.org[min(i*per, len(d.org)):min((i+1)*per, len(d.org))]
		go func() { errs <- h.push(ctx, u, fmt.Sprintf("c_seed%d", i), part) }()
	}
	go func() { errs <- h.push(ctx, rep, "c_seedrep", d.calls) }()
	var first error
	for range len(seeders) + 1 {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// ---------------------------------------------------------------- the floor

// floorPullMain is the plain client: it pulls every page as the app does
// (same page size, one request after another, each page decoded) and
// keeps nothing. Run as its own process, like the app.
func floorPullMain(args []string) int {
	fs := flag.NewFlagSet("floor-pull", flag.ContinueOnError)
	hubURL := fs.String("hub", "", "hub URL")
	token := fs.String("token", "", "token")
	limit := fs.Int("limit", syncproto.MaxPullLimit, "page size (the app's: the largest the hub allows)")
	if fs.Parse(args) != nil {
		return 2
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	cursor, total := "", 0
	for {
		q := "/v1/sync/pull?client_id=c_floor&limit=" + fmt.Sprint(*limit)
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		req, _ := http.NewRequest(http.MethodGet, *hubURL+q, nil)
		req.Header.Set("Authorization", "Bearer "+*token)
		req.Header.Set(syncproto.HeaderVersion, syncproto.Version)
		resp, err := client.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		var page syncproto.PullResponse
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			fmt.Fprintln(os.Stderr, "floor-pull:", resp.StatusCode, err)
			return 1
		}
		total += len(page.Records)
		if !page.HasMore {
			break
		}
		cursor = urlQueryEscape(page.Cursor)
	}
	fmt.Println(total)
	return 0
}

func urlQueryEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func percentile(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(p*float64(len(s)-1))]
}

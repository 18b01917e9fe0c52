// Package pgtest starts throwaway PostgreSQL clusters for tests: Debian's
// own server binaries (/usr/lib/postgresql/<version>/bin), initdb and pg_ctl
// in a temporary directory, run as the `postgres` system user because the
// tests run as root and PostgreSQL refuses to. The cluster listens on a free
// loopback port (its unix socket stays in the temporary directory), keeps
// fsync on, and is stopped and removed when the test binary ends.
//
// One cluster serves a whole test binary (Run in TestMain) and each test
// gets a fresh database (Database), so a package's tests pay for initdb once.
// A watchdog process removes a cluster whose test binary is gone (killed,
// timed out, or without Run in its TestMain), so none is left running.
//
// Without PostgreSQL installed the tests skip with a message saying how to
// install it; with FIELDNOTES_REQUIRE_PG=1 (set by `make test`) they fail
// instead, so CI never silently skips them.
//
// The package runs the server's command-line tools and speaks no protocol
// itself, so pgx stays in sync/hub/hubdb/pgstore alone.
package pgtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// RequireEnv names the environment variable that turns a skip into a failure.
const RequireEnv = "FIELDNOTES_REQUIRE_PG"

// Cluster is one running (or stopped) PostgreSQL cluster.
type Cluster struct {
	Port int
	dir  string // temp dir: data/, sock/, log
	bin  string // /usr/lib/postgresql/<v>/bin

	mu      sync.Mutex
	running bool
}

// BinDir finds the newest installed PostgreSQL server's bin directory.
func BinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL server is not installed (no /usr/lib/postgresql/*/bin/initdb); install it with `apt-get install postgresql` or run `make test`, which does")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Start creates and starts a new cluster.
func Start() (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fieldnotes-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if err := c.init(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c.watchdog()
	return c, nil
}

// watchdog stops and removes the cluster when this process is gone, even
// when it was killed or timed out before its clean-ups ran: the server is
// a daemon of pg_ctl and would outlive the test binary. It runs in its own
// session, so a signal to the test's process group does not take it too.
func (c *Cluster) watchdog() {
	script := fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 1; done
if [ -d %[2]s/data ]; then runuser -u postgres -- %[3]s/pg_ctl -D %[2]s/data -m immediate stop >/dev/null 2>&1; fi
rm -rf %[2]s`, os.Getpid(), c.dir, c.bin)
	if os.Geteuid() != 0 {
		script = strings.ReplaceAll(script, "runuser -u postgres -- ", "")
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if cmd.Start() == nil {
		go func() { _ = cmd.Wait() }() // reap the watchdog; its status says nothing
	}
}

func (c *Cluster) init() error {
	if err := os.Mkdir(filepath.Join(c.dir, "sock"), 0o700); err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "-R", "postgres:postgres", c.dir).CombinedOutput(); err != nil {
			return fmt.Errorf("chown %s to postgres: %v: %s", c.dir, err, out)
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.Port = port
	return c.pgRun("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// pgRun runs a server tool as the postgres user when we are root.
func (c *Cluster) pgRun(tool string, args ...string) error {
	path := filepath.Join(c.bin, tool)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %v: %v\n%s", tool, args, err, out.String())
	}
	return nil
}

// Start starts a stopped cluster on its port (after Stop).
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return nil
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300 -c shared_buffers=64MB",
		c.Port, filepath.Join(c.dir, "sock"))
	if err := c.pgRun("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("%v\nserver log:\n%s", err, log)
	}
	c.running = true
	return nil
}

// Stop stops the cluster (fast shutdown: clients are disconnected, every
// committed transaction is on disk). Start brings it back on the same port.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return nil
	}
	c.running = false
	return c.pgRun("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "-t", "60", "stop")
}

// Close stops the cluster and removes its directory.
func (c *Cluster) Close() {
	_ = c.Stop()
	os.RemoveAll(c.dir)
}

// URL is the connection URL of database db on this cluster.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

var dbCounter atomic.Int64

// CreateDatabase creates a new empty database and returns its URL.
func (c *Cluster) CreateDatabase() (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbCounter.Add(1))
	cmd := exec.Command(filepath.Join(c.bin, "createdb"), "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres", name)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("createdb %s: %v: %s", name, err, out)
	}
	return c.URL(name), nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// ---- one shared cluster per test binary ----

var shared struct {
	once    sync.Once
	cluster *Cluster
	err     error
}

// Run is TestMain's body: it runs the tests and removes the shared cluster
// afterwards, if a test started one.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
func Run(m *testing.M) int {
	code := m.Run()
	if shared.cluster != nil {
		shared.cluster.Close()
	}
	return code
}

// Shared returns the test binary's cluster, starting it on first use. A
// machine without PostgreSQL skips the test (fails it under RequireEnv).
// Tests that stop the cluster should start their own with Own instead.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	shared.once.Do(func() { shared.cluster, shared.err = Start() })
	if shared.err != nil {
		unavailable(t, shared.err)
	}
	return shared.cluster
}

// Own starts a cluster of the test's own (removed when the test ends), for
// tests that stop and restart it.
func Own(t testing.TB) *Cluster {
	t.Helper()
	c, err := Start()
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(c.Close)
	return c
}

// Database returns the URL of a fresh database on the shared cluster.
func Database(t testing.TB) string {
	t.Helper()
	url, err := Shared(t).CreateDatabase()
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// Require skips the test on a machine without PostgreSQL (fails it under
// RequireEnv), without starting a cluster: for tests that run others
// (a re-executed test binary) which start their own.
func Require(t testing.TB) {
	t.Helper()
	if _, err := BinDir(); err != nil {
		unavailable(t, err)
	}
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if _, e := BinDir(); e == nil || os.Getenv(RequireEnv) != "" {
		t.Fatalf("PostgreSQL: %v", err)
	}
	t.Skipf("skipping: %v (set %s=1 to fail instead)", err, RequireEnv)
}

// WaitReady polls until the cluster accepts connections or the timeout ends.
func (c *Cluster) WaitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", c.Port), time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

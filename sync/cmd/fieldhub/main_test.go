package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// TestMain lets the test binary be the real fieldhub: the tests re-exec
// themselves with FIELDHUB_MAIN=1 to get a separate hub process they can
// kill -9 (no `go build` needed, and it is exactly the code of main).
func TestMain(m *testing.M) {
	if os.Getenv("FIELDHUB_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(pgtest.Run(m))
}

type hubProcess struct {
	cmd  *exec.Cmd
	URL  string
	logs *bytes.Buffer
	done chan error
}

// startHub runs `fieldhub serve` on a free port in a child process.
func startHub(t *testing.T, dir string, extra ...string) *hubProcess {
	t.Helper()
	return startServe(t, len(extra) > 0, append([]string{"--data", dir}, extra...)...)
}

// startServe runs `fieldhub serve --addr 127.0.0.1:0 ARGS` in a child
// process and waits until it listens.
func startServe(t *testing.T, https bool, args ...string) *hubProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "FIELDHUB_MAIN=1")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &hubProcess{cmd: cmd, logs: &bytes.Buffer{}, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.logs.WriteString(line + "\n")
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
			}
		}
		p.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		p.URL = "http://" + a
		if https {
			p.URL = "https://" + a
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("hub did not start: %s", p.logs)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return p
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func addUser(t *testing.T, dir, email, role string) (id, token string) {
	t.Helper()
	code, out, errOut := runCLI(t, "user", "add", "--data", dir, "--email", email, "--role", role)
	var u struct{ ID, Email, Role, Token string }
	dec := json.NewDecoder(strings.NewReader(out))
	if code != 0 || dec.Decode(&u) != nil || dec.More() || u.Token == "" || u.Role != role {
		t.Fatalf("user add: %d %q %q", code, out, errOut)
	}
	return u.ID, u.Token
}

func TestKill9AfterAcknowledgedPushLosesNothing(t *testing.T) {
	dir := t.TempDir()
	_, token := addUser(t, dir, "rep@acme.com", "field")
	p := startHub(t, dir)
	c := &synctest.WireClient{BaseURL: p.URL, Token: token, ClientID: "c_laptop"}
	var ids []string
	for batch := 0; batch < 5; batch++ {
		var muts []syncproto.Mutation
		for i := 0; i < 20; i++ {
			n := uint64(batch*20 + i + 1)
			ids = append(ids, fmt.Sprintf("acc-%03d", n))
			muts = append(muts, synctest.Upsert(n, "account", ids[len(ids)-1], synctest.HLCAt(time.Now(), uint16(n)), map[string]any{"name": "Acme"}))
		}
		resp, rep, err := c.Push(context.Background(), muts...)
		if err != nil || rep.Status != 200 || resp.Results[19].Status != "applied" {
			t.Fatalf("push: %v %d %s", err, rep.Status, rep.Body)
		}
	}
	// The last response is in hand: kill -9 at once, no chance to flush anything.
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done

	p2 := startHub(t, dir)
	c.BaseURL = p2.URL
	recs, _, err := c.PullAll(context.Background(), "")
	if err != nil || len(recs) != len(ids) {
		t.Fatalf("after kill -9: %d of %d records (%v)", len(recs), len(ids), err)
	}
	resp, _, _ := c.Push(context.Background(), synctest.Upsert(100, "account", ids[99], synctest.HLCAt(time.Now(), 0), map[string]any{"name": "x"}))
	if resp.Results[0].Status != "duplicate" {
		t.Fatalf("mutation 100 after restart: %+v", resp.Results)
	}
}

func TestSecondProcessGetsAClearMessage(t *testing.T) {
	dir := t.TempDir()
	addUser(t, dir, "admin@acme.com", "admin")
	p := startHub(t, dir)
	code, out, errOut := runCLI(t, "user", "add", "--data", dir, "--email", "x@acme.com", "--role", "field")
	if code != exitDirBusy || out != "" || !strings.Contains(errOut, "in use by another process") || strings.Contains(errOut, "goroutine") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// A second serve on the same dir fails the same way.
	cmd := exec.Command(os.Args[0], "serve", "--data", dir, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "FIELDHUB_MAIN=1")
	combined, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitDirBusy || !strings.Contains(string(combined), "in use") {
		t.Fatalf("second serve: %v %s", err, combined)
	}
	// SIGTERM shuts down gracefully.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no graceful shutdown")
	}
}

func TestGracefulShutdownReleasesLongPolls(t *testing.T) {
	dir := t.TempDir()
	_, token := addUser(t, dir, "pm@acme.com", "product")
	p := startHub(t, dir)
	c := &synctest.WireClient{BaseURL: p.URL, Token: token, ClientID: "c_pm"}
	got := make(chan int, 1)
	go func() { _, rep, _ := c.Pull(context.Background(), "", 0, 50*time.Second); got <- rep.Status }()
	time.Sleep(200 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case status := <-got:
		if status != 200 {
			t.Fatalf("long-poll got %d", status)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("long-poll held the shutdown")
	}
	if err := <-p.done; err != nil {
		t.Fatalf("exit: %v", err)
	}
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	id, _ := addUser(t, dir, "Ana@Acme.com", "product")
	code, out, _ := runCLI(t, "user", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, `"email":"ana@acme.com"`) || strings.Contains(out, "token") {
		t.Fatalf("list: %d %s", code, out)
	}
	if code, _, _ := runCLI(t, "user", "revoke", "--data", dir, "--id", id); code != 0 {
		t.Fatal("revoke failed")
	}
	_, out, _ = runCLI(t, "user", "list", "--data", dir)
	if !strings.Contains(out, `"revoked":true`) {
		t.Fatalf("list after revoke: %s", out)
	}
	for _, args := range [][]string{
		{"user", "add", "--data", dir, "--email", "bad", "--role", "field"},
		{"user", "add", "--data", dir, "--email", "b@acme.com", "--role", "king"},
		{"user", "add", "--email", "b@acme.com", "--role", "field"},
		{"user", "revoke", "--data", dir, "--id", "u_nobody"},
		{"user", "frobnicate", "--data", dir},
		{"nope"},
		{},
	} {
		code, out, errOut := runCLI(t, args...)
		if code == 0 || out != "" || errOut == "" || strings.Contains(errOut, "goroutine") {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, code, out, errOut)
		}
	}
}

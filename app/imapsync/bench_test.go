package imapsync

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Benchmarks against mbsync (Debian isync) on the same throwaway Dovecot,
// in one run:
//
//	go test -run '^$' -bench . -benchtime 3x ./app/imapsync/
//
// The mailboxes are filled by writing Maildir files and `doveadm
// force-resync`; every fifth message is from a customer (10,000 → 2,000).

const mbsyncBin = "/usr/bin/mbsync"

var (
	benchUsersMu sync.Mutex
	benchUsers   = map[int]string{}
)

// benchUser returns a Dovecot user whose INBOX holds n bulk messages.
func benchUser(b *testing.B, n int) (dovecot, string) {
	b.Helper()
	d := needDovecot(b)
	benchUsersMu.Lock()
	defer benchUsersMu.Unlock()
	if u, ok := benchUsers[n]; ok {
		return d, u
	}
	user := d.NewUser(b, fmt.Sprintf("bench %d", n))
	raws := make([][]byte, n)
	for i := range raws {
		raws[i] = bulkMessage(i)
	}
	d.Deliver(b, user, "INBOX", raws...)
	d.Resync(b, user)
	benchUsers[n] = user
	return d, user
}

func benchSettings(d dovecot, user string) Settings {
	s := d.settings(user)
	s.Folders = []string{"INBOX"}
	return s
}

// BenchmarkInitialPull10k (bench_store_test.go) pulls the same mailbox into
// the real encrypted store, as `fieldnotes mail sync` does.

// BenchmarkNoChangeResync: a whole PullOnce (connect, login, one STATUS,
// logout) with nothing new; flat in mailbox size.
func BenchmarkNoChangeResync(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
			d, user := benchUser(b, n)
			s := benchSettings(d, user)
			mb := NewMemMailbox()
			if _, err := PullOnce(b.Context(), s, testDirectory, mb, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c, err := PullOnce(b.Context(), s, testDirectory, mb, nil)
				if err != nil || c.Scanned != 0 {
					b.Fatalf("%+v %v", c, err)
				}
			}
		})
	}
}

// BenchmarkNoChangeResyncConnected: the Service case, connection kept open.
func BenchmarkNoChangeResyncConnected(b *testing.B) {
	d, user := benchUser(b, 10000)
	p := &Puller{Settings: benchSettings(d, user), Directory: testDirectory, Mailbox: NewMemMailbox()}
	defer p.Close()
	if _, err := p.Pull(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if c, err := p.Pull(b.Context()); err != nil || c.Scanned != 0 {
			b.Fatalf("%+v %v", c, err)
		}
	}
}

func mbsyncConfig(b *testing.B, d dovecot, user string) (conf, local string) {
	b.Helper()
	if _, err := os.Stat(mbsyncBin); err != nil {
		b.Skip("!!!!!!!! SKIPPING mbsync COMPARISON: /usr/bin/mbsync is not installed (apt-get install isync) !!!!!!!!")
	}
	dir := b.TempDir()
	local = filepath.Join(dir, "mail")
	conf = filepath.Join(dir, "mbsyncrc")
	cfg := d.MbsyncConfig(user, local, "INBOX")
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	return conf, local
}

func runMbsync(b *testing.B, conf string) {
	b.Helper()
	if out, err := exec.Command(mbsyncBin, "-c", conf, "-a", "-q").CombinedOutput(); err != nil {
		b.Fatalf("mbsync: %v: %s", err, out)
	}
}

// BenchmarkMbsyncInitial10k: mbsync at its defaults copying the same INBOX.
func BenchmarkMbsyncInitial10k(b *testing.B) {
	d, user := benchUser(b, 10000)
	conf, local := mbsyncConfig(b, d, user)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		os.RemoveAll(local)
		os.MkdirAll(local, 0o755)
		b.StartTimer()
		runMbsync(b, conf)
	}
}

// BenchmarkMbsyncResync: mbsync with nothing changed.
func BenchmarkMbsyncResync(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
			d, user := benchUser(b, n)
			conf, local := mbsyncConfig(b, d, user)
			os.MkdirAll(local, 0o755)
			runMbsync(b, conf)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				runMbsync(b, conf)
			}
		})
	}
}

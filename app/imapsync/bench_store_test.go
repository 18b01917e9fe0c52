package imapsync_test

import (
	"testing"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// BenchmarkInitialPull10k: ENVELOPE scan of 10,000 messages, bodies of the
// 2,000 relevant ones streamed, through the real path of `fieldnotes mail sync`: relevance from the notebook's
// accounts, every relevant email parsed, sanitised and saved into a fresh
// encrypted store (indexes, search postings, fsynced commits) by the very
// adapter the app and the CLI use. make bench times the whole process
// against mbsync; this is its in-process part, for profiling.
func BenchmarkInitialPull10k(b *testing.B) {
	s := imapsync.BenchMailbox(b, 10000)
	key := make([]byte, 32)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(store.Options{Dir: b.TempDir(), Key: key})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Save(b.Context(), &notebook.Account{ID: notebook.NewID(), Name: "Acme", Domains: []string{"acme.com"}}); err != nil {
			b.Fatal(err)
		}
		mb := mailstore.New(st)
		b.StartTimer()
		c, err := imapsync.PullOnce(b.Context(), s, mb, mb, nil)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if c.Scanned != 10000 || c.Fetched != 2000 {
			b.Fatalf("counts %+v", c)
		}
		st.Close()
	}
}

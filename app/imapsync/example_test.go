package imapsync_test

import (
	"context"
	"fmt"
	"os"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/notebook"
)

// PullOnce is what `fieldnotes mail sync` runs: one pull, counts printed,
// a clear message and a non-zero exit on failure.
func ExamplePullOnce() {
	settings := imapsync.Settings{
		Host: "imap.example.com", Port: 993, Security: imapsync.SecurityTLS,
		Username: "rep@myco.example", Password: os.Getenv("FIELDNOTES_IMAP_PASSWORD"),
	}
	dir := imapsync.StaticDirectory{AccountList: []notebook.Account{{ID: "acc-acme", Name: "Acme", Domains: []string{"acme.com"}}}}
	mb := imapsync.NewMemMailbox() // the app passes its store adapter
	counts, err := imapsync.PullOnce(context.Background(), settings, dir, mb, func(p imapsync.Progress) {
		fmt.Fprintf(os.Stderr, "%s: %s %d of %d\n", p.Folder, p.Stage, p.Done, p.Total)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mail sync failed:", err) // e.g. "the server … refused the user name or password …"
		return
	}
	fmt.Println(counts)
}

// The reading view shows sanitised HTML in <iframe sandbox srcdoc=…>.
func ExampleSrcDoc() {
	clean := imapsync.SanitizeHTML(`<p onclick="steal()">Hi <img src="https://tracker.example/p.gif"><script>x()</script></p>`)
	fmt.Println(clean)
	_ = imapsync.SrcDoc(clean)
	// Output: <p>Hi </p>
}

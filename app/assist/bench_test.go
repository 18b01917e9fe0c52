package assist

import (
	"fmt"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

// BenchmarkRedactLongNotes redacts 100 KB of notes against 50 contacts, a
// large account.
func BenchmarkRedactLongNotes(b *testing.B) {
	var contacts []notebook.Contact
	for i := range 50 {
		contacts = append(contacts, notebook.Contact{ID: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("Person%d Family%d", i, i)})
	}
	notes := strings.Repeat(testNotes+" Person7 said hi to Family9, mail x@y.io, call 555-123-4567.\n", 100<<10/(len(testNotes)+60))
	b.SetBytes(int64(len(notes)))
	for b.Loop() {
		NewRedactor(true, contacts).Redact(notes)
	}
}

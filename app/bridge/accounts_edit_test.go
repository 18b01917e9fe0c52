package bridge

import (
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

func TestAccountEditAndDelete(t *testing.T) {
	w := newWorld(t)
	acc := NewAccounts(w.d)
	got, err := acc.Update(w.acct.ID, AccountInput{Name: " Globex Freight ", Domains: []string{"Globex.COM", " "}, Segment: "Mid-Market", Stage: "customer", ARR: 42000})
	if err != nil || got.Name != "Globex Freight" || len(got.Domains) != 1 || got.Domains[0] != "globex.com" || got.Segment != "Mid-Market" || got.Stage != "customer" || got.ARR != 42000 {
		t.Fatalf("update: %+v %v", got, err)
	}
	if _, err := acc.Update(w.acct.ID, AccountInput{Name: "", Stage: "whale", ARR: -1}); code(err) != notebook.Invalid {
		t.Fatalf("bad input accepted: %v", err)
	} else if e := err.Error(); !strings.Contains(e, "name") || !strings.Contains(e, "stage") || !strings.Contains(e, "arr") {
		t.Fatalf("the error does not name every field: %v", err)
	}
	if err := acc.Delete(w.acct.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if rows, _ := acc.List(""); len(rows) != 0 {
		t.Fatalf("deleted account still listed: %+v", rows)
	}
	if err := acc.Delete(w.acct.ID); code(err) != notebook.NotFound {
		t.Fatalf("second delete: %v", err)
	}
}

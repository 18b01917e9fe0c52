package bridge

import (
	"context"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/demo"
	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

func TestWelcomeShowsOnceOnAnEmptyNotebook(t *testing.T) {
	_, d, _ := productWorld(t, nil, hubdb.RoleField)
	d.StartLink = "fieldnotes://join?x=1"
	w := NewWelcome(d)
	if s, err := w.State(); err != nil || !s.Show || s.Link != d.StartLink {
		t.Fatalf("empty notebook: %+v, %v", s, err)
	}
	if s, _ := w.State(); s.Link != d.StartLink {
		t.Fatalf("a second window does not see the start link: %+v", s)
	}
	if err := w.Dismiss(); err != nil {
		t.Fatal(err)
	}
	if s, err := w.State(); err != nil || s.Show || s.Link != "" {
		t.Fatalf("after dismiss: %+v, %v", s, err)
	}
}

func TestWelcomeHidesWithAHubOrAccounts(t *testing.T) {
	_, d, _ := productWorld(t, nil, hubdb.RoleField)
	d.SyncArea.Settings.(*memSettings).url = "http://127.0.0.1:1"
	if s, err := NewWelcome(d).State(); err != nil || s.Show {
		t.Fatalf("with a hub: %+v, %v", s, err)
	}
	_, d2, _ := productWorld(t, nil, hubdb.RoleField)
	if _, err := demo.SeedPart(context.Background(), d2.SyncArea.Store, time.Now(), demo.PartField); err != nil {
		t.Fatal(err)
	}
	if s, err := NewWelcome(d2).State(); err != nil || s.Show {
		t.Fatalf("with an account: %+v, %v", s, err)
	}
}

func TestWelcomeSeedsTheDemoOnce(t *testing.T) {
	_, d, _ := productWorld(t, nil, hubdb.RoleField)
	w := NewWelcome(d)
	if _, err := w.SeedDemo(); code(err) != notebook.NotSetUp {
		t.Fatalf("no seeder: %v", err)
	}
	st := d.SyncArea.Store
	d.SeedDemo = func(ctx context.Context) (string, error) {
		n, err := demo.Seed(ctx, st, time.Now())
		return n.String(), err
	}
	got, err := w.SeedDemo()
	if err != nil || !strings.Contains(got.Summary, "accounts") {
		t.Fatalf("SeedDemo = %+v, %v", got, err)
	}
	n, _ := st.Count(context.Background(), notebook.TypeAccount)
	if n == 0 || !demo.Seeded(context.Background(), st) {
		t.Fatalf("demo not written: %d accounts", n)
	}
	if s, _ := w.State(); s.Show {
		t.Fatal("welcome still shows after the demo")
	}
	// A second click must not double the notebook.
	if _, err := w.SeedDemo(); code(err) != notebook.Conflict {
		t.Fatalf("second seed: %v", err)
	}
	if m, _ := st.Count(context.Background(), notebook.TypeAccount); m != n {
		t.Fatalf("accounts %d → %d", n, m)
	}
}

func TestAHandedOverLinkFillsTheJoinFormAgain(t *testing.T) {
	_, d, _ := productWorld(t, nil, hubdb.RoleField)
	d.Links = NewLinks("")
	w := NewWelcome(d)
	if s, err := w.State(); err != nil || s.Link != "" {
		t.Fatalf("no start link: %+v, %v", s, err)
	}
	if err := w.Dismiss(); err != nil {
		t.Fatal(err)
	}
	// A second launch with a clicked invite, after the user chose a way in.
	d.Links.HandOver("fieldnotes://join?x=2")
	if s, err := w.State(); err != nil || s.Link != "fieldnotes://join?x=2" {
		t.Fatalf("handed-over link: %+v, %v", s, err)
	}
	if err := w.Dismiss(); err != nil {
		t.Fatal(err)
	}
	if s, _ := w.State(); s.Link != "" {
		t.Fatalf("the handed-over link outlived the choice: %+v", s)
	}
}

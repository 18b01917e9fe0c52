package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules enforces architecture.md's house rules with `go list`, so
// a dependency pointing the wrong way fails the build instead of a review.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	onlyImporter := map[string][]string{ // third-party package → the packages allowed to import it
		"github.com/dgraph-io/badger/v4":     {"fieldnotes/app/store", "fieldnotes/sync/hub/hubdb"},
		"github.com/jackc/pgx/v5":            {"fieldnotes/sync/hub/hubdb/pgstore"},
		"github.com/emersion/go-imap/v2":     {"fieldnotes/app/imapsync", "fieldnotes/app/imapsync/imaptest"}, // and its test servers
		"github.com/sashabaranov/go-openai":  {"fieldnotes/app/assist"},
		"github.com/zalando/go-keyring":      {"fieldnotes/app/secrets"},
		"github.com/wailsapp/wails/v2":       {"fieldnotes", "fieldnotes/app/desktop"},
		"github.com/microcosm-cc/bluemonday": {"fieldnotes/app/imapsync"},
		"github.com/emersion/go-message":     {"fieldnotes/app/imapsync"},
		"github.com/xuri/excelize/v2":        {"fieldnotes/app/transfer"},
		"github.com/goreleaser/nfpm/v2":      {"fieldnotes/build/package"},
		"github.com/coreos/go-oidc/v3":       {"fieldnotes/sync/hub/idtoken"},
		"golang.org/x/oauth2":                {"fieldnotes/app/signin", "fieldnotes/sync/synctest/testop"},
		"github.com/zitadel/oidc/v3":         {"fieldnotes/sync/synctest/testop"},
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		pkg, imports, deps := parts[0], strings.Fields(parts[1]), strings.Fields(parts[2])
		for _, imp := range imports {
			for lib, allowed := range onlyImporter {
				if (imp == lib || strings.HasPrefix(imp, lib+"/")) && !contains(allowed, pkg) {
					t.Errorf("%s imports %s; only %v may (one package per technology)", pkg, imp, allowed)
				}
			}
			checkInward(t, pkg, imp)
		}
		if pkg == "fieldnotes/app/notebook" || pkg == "fieldnotes/sync/syncproto" || pkg == "fieldnotes/sync/netguard" || pkg == "fieldnotes/sync/supervise" {
			for _, d := range deps {
				if strings.Contains(strings.Split(d, "/")[0], ".") || strings.HasPrefix(d, "fieldnotes/") {
					t.Errorf("%s depends on %s; it may use the standard library only", pkg, d)
				}
			}
		}
	}
}

// checkInward: services never import each other or the layers above them,
// and nothing under sync/ imports app/ except app/notebook.
func checkInward(t *testing.T, pkg, imp string) {
	t.Helper()
	if !strings.HasPrefix(imp, "fieldnotes/") {
		return
	}
	services := []string{"fieldnotes/app/store", "fieldnotes/app/imapsync", "fieldnotes/app/assist"}
	if contains(services, pkg) && imp != "fieldnotes/app/notebook" {
		t.Errorf("%s imports %s; services import only app/notebook of ours", pkg, imp)
	}
	if strings.HasPrefix(pkg, "fieldnotes/sync/") && strings.HasPrefix(imp, "fieldnotes/app/") && imp != "fieldnotes/app/notebook" {
		t.Errorf("%s imports %s; sync/ may import only app/notebook from app/", pkg, imp)
	}
	if (imp == "fieldnotes/app/desktop" || imp == "fieldnotes/app/cli") && pkg != "fieldnotes" {
		t.Errorf("%s imports %s; only main wires the desktop and the command line", pkg, imp)
	}
	if imp == "fieldnotes/app/wiring" && pkg != "fieldnotes/app/desktop" && pkg != "fieldnotes/app/cli" {
		t.Errorf("%s imports %s; the composition root is for the window and the command line only", pkg, imp)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func importEnv(t *testing.T) (*env, *bytes.Buffer, *bytes.Buffer) {
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, ctx: context.Background(), dataDir: filepath.Join(t.TempDir(), "data"),
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return e, &out, &errOut
}

// A translated export with a custom column: --dry-run says what would happen
// and writes nothing; --map imports it; rejected lines exit 0 (the good rows
// went in), a file that cannot be read at all exits 1.
func TestImportMapAndDryRun(t *testing.T) {
	e, out, errOut := importEnv(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "firmen.csv")
	os.WriteFile(file, []byte("Firmenname;Webseite;Umsatz;Lieblingsfarbe\nSüdwind Energie;https://www.suedwind.example/;1.200.000,00;grün\n;leer.example;;\n"), 0o600)

	err := runImport(e, []string{"--dry-run", file})
	if err == nil || !strings.Contains(errOut.String(), "--map") {
		t.Fatalf("unmapped file: err %v, stderr %q", err, errOut)
	}
	out.Reset()
	errOut.Reset()
	mapping := "Firmenname=name,Webseite=domain,Umsatz=arr"
	if err := runImport(e, []string{"--map", mapping, "--dry-run", file}); err != nil {
		t.Fatal(err, errOut)
	}
	for _, want := range []string{`firmen.csv:2: would create account "Südwind Energie" (suedwind.example)`, `column "Lieblingsfarbe" is not imported`, "1 would be created, 0 updated, 0 unchanged, 0 skipped, 1 rejected (dry run: nothing written)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut.String(), "firmen.csv:3: name is empty") {
		t.Errorf("stderr %q", errOut)
	}
	out.Reset()
	if err := runImport(e, []string{"--map", mapping, file}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "1 imported (1 created, 0 updated), 0 unchanged, 0 skipped, 1 rejected") {
		t.Fatalf("import output %s", out)
	}
	out.Reset()
	runImport(e, []string{"--map", mapping, "--dry-run", file})
	if !strings.Contains(out.String(), "firmen.csv:2: no change to account") || !strings.Contains(out.String(), "0 would be created, 0 updated, 1 unchanged") {
		t.Fatalf("second dry run %s", out)
	}
	if err := runImport(e, []string{"--map", "Firmenname=firma", file}); err == nil || !strings.Contains(err.Error(), "not a field") {
		t.Fatalf("bad --map: %v", err)
	}
}

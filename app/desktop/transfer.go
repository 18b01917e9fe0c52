package desktop

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"fieldnotes/app/bridge"
	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
	"fieldnotes/app/transfer"
)

// transferAdapter connects Settings' import and export to app/transfer.
type transferAdapter struct {
	st  *store.Store
	log *slog.Logger
}

func newTransfer(st *store.Store, log *slog.Logger) bridge.Transfer {
	return transferAdapter{st: st, log: log}
}

func (t transferAdapter) Import(ctx context.Context, path string) (bridge.ImportReport, error) {
	r, err := transfer.ImportPath(ctx, t.st, path)
	out := bridge.ImportReport{File: path, Kind: string(r.Kind), Imported: r.Imported, Unchanged: r.Unchanged, Errors: []bridge.LineError{}}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, bridge.LineError{File: e.File, Line: e.Line, Message: e.Reason})
	}
	return out, err
}

// Export writes NDJSON or Markdown to path; CSV becomes one file per record
// type next to it (name-account.csv, name-contact.csv …), as CSV has one
// header per file.
func (t transferAdapter) Export(ctx context.Context, format, path string) (int, error) {
	switch format {
	case "ndjson":
		return writeFile(path, func(w io.Writer) (int, error) { return transfer.ExportNDJSON(ctx, t.st, w) })
	case "md":
		return writeFile(path, func(w io.Writer) (int, error) { return transfer.ExportMarkdown(ctx, t.st, w) })
	case "csv":
		base := strings.TrimSuffix(path, filepath.Ext(path))
		total := 0
		for _, typ := range notebook.Types {
			n, err := writeFile(base+"-"+string(typ)+".csv", func(w io.Writer) (int, error) { return transfer.ExportCSV(ctx, t.st, typ, w) })
			if err != nil {
				return total, err
			}
			total += n
		}
		return total, nil
	}
	return 0, notebook.Errorf(notebook.Invalid, "unknown export format %q", format)
}

// writeFile writes through a temporary file and renames it into place, so a
// failed export never leaves a half-written file under the chosen name.
func writeFile(path string, fn func(io.Writer) (int, error)) (int, error) {
	tmp := path + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, notebook.Wrap(notebook.Invalid, err, "cannot write %s: %v", path, err)
	}
	n, err := fn(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return n, err
	}
	return n, os.Rename(tmp, path)
}

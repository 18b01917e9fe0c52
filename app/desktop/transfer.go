package desktop

import (
	"context"
	"io"
	"log/slog"

	"path/filepath"
	"strings"

	"fieldnotes/app/bridge"
	"fieldnotes/app/fileout"
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

// writeFile writes an export atomically (app/fileout), so a failed export
// never leaves a half-written file under the chosen name.
func writeFile(path string, fn func(io.Writer) (int, error)) (n int, err error) {
	err = fileout.Write(path, 0o600, func(w io.Writer) error {
		n, err = fn(w)
		return err
	})
	return n, err
}

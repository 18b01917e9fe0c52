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

func (t transferAdapter) Import(ctx context.Context, path string, mapping map[string]string) (bridge.ImportReport, error) {
	m, err := transfer.MappingOf(mapping)
	if err != nil {
		return bridge.ImportReport{File: path}, err
	}
	r, err := transfer.ImportPathMapped(ctx, t.st, path, m)
	return reportDTO(path, r), err
}

func (t transferAdapter) Preview(ctx context.Context, path string, mapping map[string]string) (bridge.ImportPreview, error) {
	m, err := transfer.MappingOf(mapping)
	if err != nil {
		return bridge.ImportPreview{File: path}, err
	}
	p, err := transfer.PreviewPath(ctx, t.st, path, m)
	out := bridge.ImportPreview{File: path, HeaderKey: p.HeaderKey, Kind: string(p.Kind), Problem: p.Problem,
		Plan: reportDTO(path, p.Plan), Columns: []bridge.ImportColumn{}, Fields: []string{}}
	for _, c := range p.Columns {
		out.Columns = append(out.Columns, bridge.ImportColumn{Header: c.Header, Field: string(c.Field), Samples: c.Samples})
	}
	for _, f := range p.Fields {
		out.Fields = append(out.Fields, string(f))
	}
	return out, err
}

func reportDTO(path string, r transfer.Report) bridge.ImportReport {
	return bridge.ImportReport{File: path, Kind: string(r.Kind), Vendor: string(r.Vendor), Imported: r.Imported,
		Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, Skipped: len(r.Skipped),
		Errors: lineErrors(r.Errors), Warnings: lineErrors(r.Warnings)}
}

func lineErrors(in []transfer.RowError) []bridge.LineError {
	out := []bridge.LineError{}
	for _, e := range in {
		out = append(out, bridge.LineError{File: e.File, Line: e.Line, Message: e.Reason, Text: e.Text})
	}
	return out
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

package bridge

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"fieldnotes/app/fileout"
	"fieldnotes/app/notebook"
)

// Settings shows where the data is and how it is protected, and runs
// import, export, backup and restore through native file dialogs.
type Settings struct{ d *Deps }

// NewSettings binds the settings area.
func NewSettings(d *Deps) *Settings { return &Settings{d} }

// Info returns the data location, encryption status and sync state.
func (s *Settings) Info() (i SettingsInfo, err error) {
	defer guard(s.d.Log, "Settings.Info", &err)
	pending, err := s.d.Store.PendingCount(context.Background())
	if err != nil {
		return i, err
	}
	return SettingsInfo{DataDir: s.d.Store.Dir(), Encrypted: s.d.Store.Encrypted(), KeySource: s.d.KeySource,
		Pending: pending, Author: s.d.author(), Role: string(s.d.role()), RoleByHub: hubAudience(s.d) != "", Sync: syncState(s.d)}, nil
}

// Import asks for a CSV (accounts or contacts) or NDJSON file and imports it.
// Good lines are imported; every bad line comes back with its number.
func (s *Settings) Import() (r ImportReport, err error) {
	defer guard(s.d.Log, "Settings.Import", &err)
	ctx := context.Background()
	path, err := s.dialogs().OpenFile(ctx, "Import accounts or contacts", []string{"csv", "ndjson", "jsonl"})
	if err != nil || path == "" {
		return ImportReport{Cancelled: true, Errors: []LineError{}}, err
	}
	return s.importFile(ctx, path)
}

// ImportFile imports a file given by path (drag and drop, tests).
func (s *Settings) ImportFile(path string) (r ImportReport, err error) {
	defer guard(s.d.Log, "Settings.ImportFile", &err)
	return s.importFile(context.Background(), path)
}

// ChooseImport asks for a file and previews it: nothing is written until
// ImportMapped.
func (s *Settings) ChooseImport() (p ImportPreview, err error) {
	defer guard(s.d.Log, "Settings.ChooseImport", &err)
	ctx := context.Background()
	path, err := s.dialogs().OpenFile(ctx, "Import accounts, contacts or deals", []string{"csv", "txt", "tsv", "xlsx", "ndjson", "jsonl"})
	if err != nil || path == "" {
		return ImportPreview{Cancelled: true, Columns: []ImportColumn{}, Fields: []string{}}, err
	}
	return s.preview(ctx, path, nil)
}

// PreviewImport previews path again with the columns mapped as the user
// chose (header → field; "ignore" drops a column).
func (s *Settings) PreviewImport(path string, mapping map[string]string) (p ImportPreview, err error) {
	defer guard(s.d.Log, "Settings.PreviewImport", &err)
	if mapping == nil {
		mapping = map[string]string{}
	}
	return s.preview(context.Background(), path, mapping)
}

// ImportMapped imports path with the mapping from the preview, which is
// remembered for files with the same header.
func (s *Settings) ImportMapped(path string, mapping map[string]string) (r ImportReport, err error) {
	defer guard(s.d.Log, "Settings.ImportMapped", &err)
	if mapping == nil {
		mapping = map[string]string{}
	}
	return s.importMapped(context.Background(), path, mapping)
}

func (s *Settings) preview(ctx context.Context, path string, mapping map[string]string) (ImportPreview, error) {
	if s.d.Transfer == nil {
		return ImportPreview{}, notebook.Errorf(notebook.Conflict, "import is not available in this build")
	}
	p, err := s.d.Transfer.Preview(ctx, path, mapping)
	p.File = path
	return p, err
}

func (s *Settings) importFile(ctx context.Context, path string) (ImportReport, error) {
	return s.importMapped(ctx, path, nil)
}

func (s *Settings) importMapped(ctx context.Context, path string, mapping map[string]string) (ImportReport, error) {
	if s.d.Transfer == nil {
		return ImportReport{}, notebook.Errorf(notebook.NotSetUp, "import is not available in this build")
	}
	r, err := s.d.Transfer.Import(ctx, path, mapping)
	if r.Errors == nil {
		r.Errors = []LineError{}
	}
	if r.Warnings == nil {
		r.Warnings = []LineError{}
	}
	r.File = path
	// No event of its own: the window that asked gets the report as the
	// answer, and the records it wrote arrive as records:changed.
	return r, err
}

// Export asks where to write and exports everything as format (ndjson, csv, md).
func (s *Settings) Export(format string) (r FileResult, err error) {
	defer guard(s.d.Log, "Settings.Export", &err)
	if s.d.Transfer == nil {
		return r, notebook.Errorf(notebook.NotSetUp, "export is not available in this build")
	}
	ext := map[string]string{"ndjson": "ndjson", "csv": "csv", "md": "md"}[format]
	if ext == "" {
		return r, notebook.Errorf(notebook.Invalid, "unknown export format %q (want ndjson, csv or md)", format)
	}
	ctx := context.Background()
	path, err := s.dialogs().SaveFile(ctx, "Export the notebook", "fieldnotes-"+time.Now().Format("2006-01-02")+"."+ext)
	if err != nil || path == "" {
		return FileResult{Cancelled: true}, err
	}
	n, err := s.d.Transfer.Export(ctx, format, path)
	return FileResult{Path: path, Records: n}, err
}

// Backup asks where to write and writes an encrypted backup of the notebook.
func (s *Settings) Backup() (r FileResult, err error) {
	defer guard(s.d.Log, "Settings.Backup", &err)
	ctx := context.Background()
	path, err := s.dialogs().SaveFile(ctx, "Back up the notebook", "fieldnotes-"+time.Now().Format("2006-01-02")+".backup")
	if err != nil || path == "" {
		return FileResult{Cancelled: true}, err
	}
	// app/fileout: never a half-written backup under the real name.
	if err := fileout.Write(path, 0o600, func(w io.Writer) error { return s.d.Store.Backup(ctx, w) }); err != nil {
		return r, err
	}
	return FileResult{Path: path}, nil
}

// Restore asks for a backup file and replaces the notebook with it.
func (s *Settings) Restore() (r FileResult, err error) {
	defer guard(s.d.Log, "Settings.Restore", &err)
	ctx := context.Background()
	path, err := s.dialogs().OpenFile(ctx, "Restore a backup", []string{"backup", "bak"})
	if err != nil || path == "" {
		return FileResult{Cancelled: true}, err
	}
	if _, err := os.Stat(path); err != nil {
		return r, notebook.Wrap(notebook.Invalid, err, "cannot read %s: %v", filepath.Base(path), err)
	}
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	if err := s.d.Store.Restore(ctx, open); err != nil {
		return r, err
	}
	s.d.emit("records:changed", RecordChange{Op: "restore", Origin: "import"})
	return FileResult{Path: path}, nil
}

func (s *Settings) dialogs() Dialogs {
	if s.d.Dialogs == nil {
		return noDialogs{}
	}
	return s.d.Dialogs
}

type noDialogs struct{}

func (noDialogs) OpenFile(context.Context, string, []string) (string, error) {
	return "", fmt.Errorf("no file dialogs in this build")
}
func (noDialogs) SaveFile(context.Context, string, string) (string, error) {
	return "", fmt.Errorf("no file dialogs in this build")
}

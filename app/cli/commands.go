package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fieldnotes/app/demo"
	"fieldnotes/app/fileout"
	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
	"fieldnotes/app/transfer"
	"fieldnotes/app/wiring"
)

// open builds the notebook in the data dir and its services the way the
// window does (app/wiring); a second process gets the store's clear "in
// use" message.
func (e *env) open() (*wiring.Main, error) {
	return wiring.Open(wiring.Options{DataDir: e.dataDir, Logger: e.log})
}

// withMain runs fn on the opened notebook and closes it afterwards.
func (e *env) withMain(fn func(m *wiring.Main) error) error {
	m, err := e.open()
	if err != nil {
		return err
	}
	defer m.Close()
	return fn(m)
}

func (e *env) withStore(fn func(s *store.Store) error) error {
	return e.withMain(func(m *wiring.Main) error { return fn(m.Store) })
}

func newFlags(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func runImport(e *env, args []string) error {
	fs := newFlags("import", e)
	mapFlag := fs.String("map", "", `map headers the importer does not know to fields, e.g. "Firmenname=name,Webseite=domain"`)
	dryRun := fs.Bool("dry-run", false, "say what would be created, updated, skipped and rejected, and write nothing")
	if err := fs.Parse(args); err != nil {
		return notebook.Errorf(notebook.Invalid, "import: %v", err)
	}
	if fs.NArg() == 0 {
		return notebook.Errorf(notebook.Invalid, "import needs at least one file: fieldnotes import [--map H=field,…] [--dry-run] accounts.csv contacts.xlsx deals.csv")
	}
	mapping, err := transfer.ParseMapping(*mapFlag)
	if err != nil {
		return err
	}
	return e.withStore(func(s *store.Store) error {
		failed := false
		for _, path := range fs.Args() {
			rep, err := transfer.ImportPathWith(e.ctx, s, path, transfer.Options{Mapping: mapping, DryRun: *dryRun})
			if notebook.ErrorCode(err) == notebook.Internal {
				return err
			}
			if err != nil { // this file cannot be read at all: say so, go on with the next
				fmt.Fprintln(e.stderr, err)
				failed = true
				continue
			}
			printImportReport(e, path, rep, *dryRun)
		}
		if failed {
			return errSilentFailure
		}
		return nil
	})
}

// printImportReport writes rejected lines to stderr as file:line: reason and
// a summary to stdout; a dry run also lists what each line would do.
func printImportReport(e *env, path string, rep transfer.Report, dryRun bool) {
	for _, re := range rep.Errors {
		fmt.Fprintln(e.stderr, re.String())
	}
	for _, w := range rep.Warnings {
		fmt.Fprintln(e.stderr, w.String()+" (warning)")
	}
	if dryRun {
		for _, a := range rep.Actions {
			verb := map[string]string{"create": "would create", "update": "would update"}[a.Action]
			if verb == "" {
				verb = "no change to"
			}
			fmt.Fprintf(e.stdout, "%s:%d: %s %s\n", rep.File, a.Line, verb, a.What)
		}
		for _, sk := range rep.Skipped {
			fmt.Fprintf(e.stdout, "%s (skipped)\n", sk.String())
		}
	}
	for _, h := range rep.Unmapped {
		fmt.Fprintf(e.stdout, "%s: column %q is not imported; map it with --map %q\n", path, h, h+"=<field>")
	}
	vendor := ""
	if rep.Vendor != "" {
		vendor = " from " + string(rep.Vendor)
	}
	if dryRun {
		fmt.Fprintf(e.stdout, "%s: %s%s, %d would be created, %d updated, %d unchanged, %d skipped, %d rejected (dry run: nothing written)\n",
			path, rep.Kind, vendor, rep.Created, rep.Updated, rep.Unchanged, len(rep.Skipped), len(rep.Errors))
		return
	}
	fmt.Fprintf(e.stdout, "%s: %s%s, %d imported (%d created, %d updated), %d unchanged, %d skipped, %d rejected\n",
		path, rep.Kind, vendor, rep.Imported, rep.Created, rep.Updated, rep.Unchanged, len(rep.Skipped), len(rep.Errors))
}

func runExport(e *env, args []string) error {
	fs := newFlags("export", e)
	format := fs.String("format", "ndjson", "ndjson, csv or md")
	typ := fs.String("type", "", "only this record type (csv: required unless --out is a directory)")
	out := fs.String("out", "", "output file (csv without --type: a directory); default standard output")
	if err := fs.Parse(args); err != nil {
		return notebook.Errorf(notebook.Invalid, "export: %v", err)
	}
	var types []notebook.Type
	if *typ != "" {
		t, err := notebook.ParseType(*typ)
		if err != nil {
			return err
		}
		types = []notebook.Type{t}
	}
	return e.withStore(func(s *store.Store) error {
		switch *format {
		case "ndjson":
			return e.writeOut(*out, func(w io.Writer) (int, error) { return transfer.ExportNDJSON(e.ctx, s, w, types...) })
		case "md":
			return e.writeOut(*out, func(w io.Writer) (int, error) { return transfer.ExportMarkdown(e.ctx, s, w) })
		case "csv":
			return e.exportCSV(s, types, *out)
		}
		return notebook.Errorf(notebook.Invalid, "export: --format must be ndjson, csv or md, not %q", *format)
	})
}

func (e *env) exportCSV(s *store.Store, types []notebook.Type, out string) error {
	if len(types) == 1 {
		return e.writeOut(out, func(w io.Writer) (int, error) { return transfer.ExportCSV(e.ctx, s, types[0], w) })
	}
	if out == "" {
		return notebook.Errorf(notebook.Invalid, "export --format csv writes one file per type: give --type T, or --out DIR")
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return notebook.Wrap(notebook.Invalid, err, "cannot create %s: %v", out, err)
	}
	for _, t := range notebook.Types {
		t := t
		if err := e.writeOut(out+"/"+string(t)+".csv", func(w io.Writer) (int, error) { return transfer.ExportCSV(e.ctx, s, t, w) }); err != nil {
			return err
		}
	}
	return nil
}

// writeOut writes to path (atomically, and into a FIFO or device rather than
// over it: app/fileout) or stdout.
func (e *env) writeOut(path string, write func(io.Writer) (int, error)) error {
	if path == "" || path == "-" {
		_, err := write(e.stdout)
		return err
	}
	n := -1
	if err := fileout.Write(path, 0o600, func(w io.Writer) (err error) { n, err = write(w); return err }); err != nil {
		return err
	}
	if n >= 0 {
		fmt.Fprintf(e.stderr, "wrote %d records to %s\n", n, path)
	}
	return nil
}

func runBackup(e *env, args []string) error {
	if len(args) != 1 {
		return notebook.Errorf(notebook.Invalid, "usage: fieldnotes backup FILE")
	}
	return e.withStore(func(s *store.Store) error {
		if err := e.writeOut(args[0], func(w io.Writer) (int, error) { return -1, s.Backup(e.ctx, w) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote an encrypted backup to %s\n", args[0])
		return nil
	})
}

func runRestore(e *env, args []string) error {
	if len(args) != 1 {
		return notebook.Errorf(notebook.Invalid, "usage: fieldnotes restore FILE")
	}
	return e.withStore(func(s *store.Store) error {
		if err := s.Restore(e.ctx, func() (io.ReadCloser, error) { return os.Open(args[0]) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "restored %s into %s\n", args[0], e.dataDir)
		return nil
	})
}

func runDoctor(e *env, args []string) error {
	fs := newFlags("doctor", e)
	salvage := fs.String("salvage", "", "write every record that can still be read to DIR/records.ndjson")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return notebook.Errorf(notebook.Invalid, "usage: fieldnotes doctor [--salvage DIR]")
	}
	key, _, err := secrets.DataKey(e.dataDir, e.log)
	if err != nil {
		return err
	}
	var rep store.DoctorReport
	check := func(w io.Writer) (int, error) {
		rep, err = store.Doctor(e.dataDir, key, w, e.log)
		return rep.Salvaged, err
	}
	if *salvage == "" {
		_, err = check(nil)
	} else {
		if err := os.MkdirAll(*salvage, 0o700); err != nil {
			return notebook.Wrap(notebook.Invalid, err, "cannot create %s: %v", *salvage, err)
		}
		err = e.writeOut(filepath.Join(*salvage, "records.ndjson"), check)
	}
	if err != nil {
		return err
	}
	if rep.Healthy {
		fmt.Fprintf(e.stdout, "the notebook in %s is healthy: %s\n", e.dataDir, countsText(rep.Records))
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(e.stderr, "damaged:", p)
	}
	fmt.Fprintf(e.stdout, "readable: %s\n", countsText(rep.Records))
	return notebook.Errorf(notebook.Damaged, "the notebook in %s is damaged (%d problems above); nothing was changed; restore it from a backup with `fieldnotes --data %s restore FILE`%s",
		e.dataDir, len(rep.Problems), e.dataDir, map[bool]string{true: ", or import the salvaged records into a new notebook", false: ", or save every record that can still be read with `fieldnotes doctor --salvage DIR`"}[*salvage != ""])
}

func countsText(byType map[string]int) string {
	total := 0
	parts := []string{}
	for _, t := range notebook.Types {
		if n := byType[string(t)]; n > 0 {
			total += n
			parts = append(parts, fmt.Sprintf("%d %s", n, t))
		}
	}
	if total == 0 {
		return "0 records"
	}
	return fmt.Sprintf("%d records (%s)", total, strings.Join(parts, ", "))
}

func runDemo(e *env, args []string) error {
	fs := newFlags("demo", e)
	force := fs.Bool("force", false, "seed again even if the demo is already there")
	partName := fs.String("part", "all", "all; or, with a hub, product (hypotheses, studies) or field (accounts, calls, evidence)")
	if err := fs.Parse(args); err != nil {
		return notebook.Errorf(notebook.Invalid, "demo: %v", err)
	}
	part, err := demo.ParsePart(*partName)
	if err != nil {
		return err
	}
	return e.withStore(func(s *store.Store) error {
		if demo.Seeded(e.ctx, s) && !*force {
			fmt.Fprintln(e.stdout, "the demo notebook is already there (use --force to add it again)")
			return nil
		}
		start := time.Now()
		n, err := demo.SeedPart(e.ctx, s, time.Now(), part)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "seeded %s in %s\n", n, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/fb"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"github.com/dgraph-io/ristretto/v2"
	"github.com/dgraph-io/ristretto/v2/z"

	"fieldnotes/app/notebook"
)

// DoctorReport is what Doctor found.
type DoctorReport struct {
	Healthy  bool           // the notebook opens and every record reads
	Records  map[string]int // readable live records by type
	Problems []string       // each damage found, in words
	Salvaged int            // records written to the salvage writer
	Via      string         // "store": read through Badger; "tables": read table by table
}

// Doctor checks the notebook in dir without changing it: it works on a
// copy. With salvage non-nil it writes every live record it can still read
// to salvage as NDJSON envelopes (what `fieldnotes import` reads). When the
// copy opens, records are read through the store; when it does not, each
// table that still checks out is read on its own, so one damaged table
// costs only the records in it. (Writes still in the memtable log of a
// notebook that no longer opens are not recovered that way.)
func Doctor(dir string, key []byte, salvage io.Writer, log *slog.Logger) (DoctorReport, error) {
	if log == nil {
		log = slog.Default()
	}
	rep := DoctorReport{Records: map[string]int{}}
	if !holdsNotebook(dir) && !isDir(dir) {
		return rep, notebook.Errorf(notebook.NotFound, "there is no notebook in %s", dir)
	}
	work, err := os.MkdirTemp("", "fieldnotes-doctor-")
	if err != nil {
		return rep, notebook.Wrap(notebook.Internal, err, "cannot make a working copy: %v", err)
	}
	defer os.RemoveAll(work)
	if err := copyRegularFiles(dir, work); err != nil {
		return rep, notebook.Wrap(notebook.Internal, err, "cannot copy %s to check it: %v", dir, err)
	}
	out := newSalvageWriter(salvage)
	if perr := preflight(work, key); perr != nil {
		rep.Problems = append(rep.Problems, describe(perr, work, dir))
	} else if s, oerr := Open(Options{Dir: work, Key: key, Logger: log}); oerr != nil {
		rep.Problems = append(rep.Problems, describe(oerr, work, dir))
	} else {
		rep.Via = "store"
		rerr := s.eachRawRecord(func(k, v []byte) { rep.take(k, v, out) })
		if rerr == nil {
			rerr = s.readErr(readEverything(s.db)) // indexes and postings too
		}
		s.Close()
		if rerr == nil {
			rep.Healthy = len(rep.Problems) == 0
			return rep, out.flush(&rep)
		}
		rep.Problems = append(rep.Problems, describe(rerr, work, dir))
		rep.Records, rep.Salvaged = map[string]int{}, 0
		out = newSalvageWriter(salvage)
	}
	rep.Via = "tables"
	rep.Problems = append(rep.Problems, readTables(work, key, func(k, v []byte) { rep.take(k, v, out) })...)
	return rep, out.flush(&rep)
}

// describe keeps what is damaged from an error, naming the real directory.
func describe(err error, work, dir string) string {
	var ne *notebook.Error
	msg := err.Error()
	if errors.As(err, &ne) && ne.Code == notebook.Damaged && ne.Fields["damage"] != "" {
		msg = ne.Fields["damage"]
	}
	return strings.ReplaceAll(msg, work, dir)
}

// take counts a record value and writes it to the salvage file.
func (r *DoctorReport) take(key, value []byte, out *salvageWriter) {
	var env Envelope
	if err := json.Unmarshal(value, &env); err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("the record %s cannot be decoded (%v)", key, err))
		return
	}
	if env.Deleted {
		return
	}
	r.Records[string(env.Type)]++
	out.write(value)
}

// eachRawRecord calls fn with every record key and value; the first value
// that cannot be read ends it with the damage error.
func (s *Store) eachRawRecord(fn func(k, v []byte)) error {
	return s.viewDB(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefixRecord)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			fn(it.Item().KeyCopy(nil), v)
		}
		return nil
	})
}

// Badger's value meta bits (value.go): a tombstone, a value in the value log.
const (
	metaDelete       = 1 << 0
	metaValuePointer = 1 << 1
)

// readTables reads record keys straight from every table that checks out,
// keeping the newest version of each key, and returns the problems met.
func readTables(dir string, key []byte, fn func(k, v []byte)) []string {
	newest := map[string]tableValue{}
	problems := eachTable(dir, key, options.OnBlockRead, func(t *table.Table) error { return readTable(t, newest) })
	keys := make([]string, 0, len(newest))
	for k := range newest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tv := newest[k]
		switch {
		case tv.meta&metaDelete != 0:
		case tv.meta&metaValuePointer != 0:
			problems = append(problems, fmt.Sprintf("the record %s lives in the value log, which is not read table by table", k))
		default:
			fn([]byte(k), tv.value)
		}
	}
	return problems
}

// eachTable opens every table the MANIFEST lists, with checksum mode chk,
// and calls fn on it; it returns each problem in words. Badger panics on
// some damage inside a table (a nil block in VerifyChecksum, bad offsets);
// here, in our own goroutine, that is one table's problem.
func eachTable(dir string, key []byte, chk options.ChecksumVerificationMode, fn func(t *table.Table) error) []string {
	mf, err := os.Open(filepath.Join(dir, badger.ManifestFilename))
	if err != nil {
		return []string{"the MANIFEST cannot be read, so no table can be located: " + err.Error()}
	}
	manifest, _, err := badger.ReplayManifestFile(mf, 0, badger.DefaultOptions(dir))
	mf.Close()
	if err != nil {
		return []string{"the MANIFEST is damaged: " + err.Error()}
	}
	var registry *badger.KeyRegistry
	if len(key) > 0 {
		registry, err = badger.OpenKeyRegistry(badger.KeyRegistryOptions{Dir: dir, ReadOnly: true, EncryptionKey: key, EncryptionKeyRotationDuration: 10 * 24 * time.Hour})
		if err != nil {
			return []string{"the key registry cannot be read, so no table can be decrypted: " + err.Error()}
		}
		defer registry.Close()
	}
	cache, err := ristretto.NewCache(&ristretto.Config[uint64, *fb.TableIndex]{NumCounters: 1e4, MaxCost: 64 << 20, BufferItems: 64})
	if err != nil {
		return []string{"cannot prepare to read tables: " + err.Error()}
	}
	defer cache.Close()
	ids := make([]uint64, 0, len(manifest.Tables))
	for id := range manifest.Tables {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var problems []string
	for _, id := range ids {
		name := table.NewFilename(id, dir)
		if err := checkTable(name); err != nil {
			problems = append(problems, fmt.Sprintf("the table %s %v", filepath.Base(name), err))
			continue
		}
		if err := withTable(name, manifest.Tables[id], registry, cache, chk, fn); err != nil {
			problems = append(problems, fmt.Sprintf("the table %s %v", filepath.Base(name), err))
		}
	}
	return problems
}

func withTable(name string, tm badger.TableManifest, registry *badger.KeyRegistry, cache *ristretto.Cache[uint64, *fb.TableIndex], chk options.ChecksumVerificationMode, fn func(t *table.Table) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("has a block that fails its checksum or does not decode (%v)", firstLine(fmt.Sprint(r)))
		}
	}()
	topt := table.Options{ReadOnly: true, ChkMode: chk, Compression: tm.Compression, IndexCache: cache, BlockSize: 4 << 10, BloomFalsePositive: 0.01}
	if registry != nil {
		dk, err := registry.DataKey(tm.KeyID)
		if err != nil {
			return fmt.Errorf("cannot be decrypted (%v)", err)
		}
		topt.DataKey = dk
	}
	mf, err := z.OpenMmapFile(name, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot be read (%v)", err)
	}
	t, err := table.OpenTable(mf, topt)
	if err != nil {
		_ = mf.Close(-1)
		return fmt.Errorf("fails its checksum (%v)", firstLine(err.Error()))
	}
	// Closing a read-only table makes Badger try to truncate the file,
	// which fails ("invalid argument") on a healthy one: not a finding.
	defer func() { _ = t.DecrRef() }()
	if fn == nil {
		return nil
	}
	return fn(t)
}

type tableValue struct {
	version uint64
	meta    byte
	value   []byte
}

// readTable adds the table's record keys to newest.
func readTable(t *table.Table, newest map[string]tableValue) error {
	// Block by block: a block that fails its checksum ends a table iterator
	// silently, so each block is sought on its own and a bad one skipped.
	starts := t.KeySplits(1<<30, nil)
	it := t.NewIterator(0)
	defer it.Close()
	bad := 0
	for i, start := range starts {
		it.Seek([]byte(start))
		if !it.Valid() {
			bad++
			continue
		}
		for ; it.Valid(); it.Next() {
			if i+1 < len(starts) && y.CompareKeys(it.Key(), []byte(starts[i+1])) >= 0 {
				break
			}
			keepNewest(it.Key(), it.ValueCopy(), newest)
		}
	}
	if bad > 0 {
		return fmt.Errorf("has %d of its %d blocks failing their checksum; the records in its other blocks are kept", bad, len(starts))
	}
	return nil
}

func keepNewest(key []byte, vs y.ValueStruct, newest map[string]tableValue) {
	k := y.ParseKey(key)
	if !bytes.HasPrefix(k, []byte(prefixRecord)) {
		return
	}
	version := y.ParseTs(key)
	if old, ok := newest[string(k)]; ok && old.version >= version {
		return
	}
	newest[string(k)] = tableValue{version: version, meta: vs.Meta, value: vs.Value}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		return s[:i]
	}
	return s
}

// copyRegularFiles copies the regular files of src into dst (Badger's data
// directory has no subdirectories; links and devices are skipped).
func copyRegularFiles(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == "LOCK" {
			continue
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// salvageWriter writes envelopes one a line; a nil target only counts.
type salvageWriter struct {
	w   *bufio.Writer
	n   int
	err error
}

func newSalvageWriter(w io.Writer) *salvageWriter {
	if w == nil {
		return &salvageWriter{}
	}
	return &salvageWriter{w: bufio.NewWriter(w)}
}

func (s *salvageWriter) write(envelope []byte) {
	s.n++
	if s.w == nil || s.err != nil {
		return
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, envelope); err != nil {
		s.err = err
		return
	}
	compact.WriteByte('\n')
	_, s.err = s.w.Write(compact.Bytes())
}

func (s *salvageWriter) flush(rep *DoctorReport) error {
	if s.w == nil {
		return nil
	}
	rep.Salvaged = s.n
	if s.err == nil {
		s.err = s.w.Flush()
	}
	if s.err != nil {
		return notebook.Wrap(notebook.Internal, s.err, "cannot write the salvaged records: %v", s.err)
	}
	return nil
}

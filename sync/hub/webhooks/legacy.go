package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// Hubs before the store kept webhooks had them in the product dir:
// webhooks.json (registrations and the cursor), webhook-queue/<id>.json
// (one file per delivery) and webhook-dead/<id>.json (buried ones).

type legacyFile struct {
	Hooks  []Webhook `json:"hooks"`
	Cursor Cursor    `json:"cursor"`
}

type legacyDelivery struct {
	ID        string          `json:"id"`
	HookID    string          `json:"hook_id"`
	Body      json.RawMessage `json:"body"`
	CreatedAt time.Time       `json:"created_at"`
}

// ImportFiles moves the webhook files of a legacy product dir into the
// store and renames each to <name>.imported, so nothing is lost and
// nothing is imported twice: registrations and the cursor are written
// first (a repeat overwrites them with the same), each queued delivery is
// enqueued under its old id (so a receiver that saw it can still dedupe;
// a repeat finds the id taken and skips it), and buried deliveries are
// counted in their webhook's figures. It returns what it imported.
func ImportFiles(ctx context.Context, store hubdb.Store, dir string) (hooks, queued, dead int, err error) {
	path := filepath.Join(dir, "webhooks.json")
	data, err := ReadRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, 0, nil
	}
	if err != nil {
		return 0, 0, 0, err
	}
	var f legacyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return 0, 0, 0, notebook.Errorf(notebook.Invalid, "%s: not a webhooks file (%v); fix or move it away and start again", path, err)
	}
	if err := importHooks(ctx, store, f); err != nil {
		return 0, 0, 0, err
	}
	registered := map[string]bool{}
	for _, h := range f.Hooks {
		registered[h.ID] = true
	}
	if queued, err = importQueue(ctx, store, filepath.Join(dir, "webhook-queue"), registered); err != nil {
		return 0, 0, 0, err
	}
	if dead, err = importDead(ctx, store, filepath.Join(dir, "webhook-dead"), registered); err != nil {
		return 0, 0, 0, err
	}
	return len(f.Hooks), queued, dead, MarkImported(path)
}

func importHooks(ctx context.Context, store hubdb.Store, f legacyFile) error {
	return store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		for _, h := range f.Hooks {
			if h.ID == "" || validURL(h.URL) != nil {
				continue
			}
			if h.HypothesisIDs == nil {
				h.HypothesisIDs = []string{}
			}
			val, _ := json.Marshal(h)
			if err := tx.PutDoc(Namespace, hookPrefix+h.ID, val); err != nil {
				return err
			}
		}
		if _, ok, err := tx.GetDoc(Namespace, cursorKey); err != nil || ok {
			return err // the store's own cursor is newer than the file's
		}
		if f.Cursor.Seqs == nil {
			f.Cursor.Seqs = map[string]uint64{}
		}
		val, _ := json.Marshal(f.Cursor)
		return tx.PutDoc(Namespace, cursorKey, val)
	})
}

// readDeliveries reads a queue dir's deliveries, oldest first; torn .tmp
// files from a crash are skipped (their batch was re-queued from the cursor).
func readDeliveries(dir string) ([]legacyDelivery, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, notebook.Wrap(notebook.Internal, err, "read %s: %v", dir, err)
	}
	var out []legacyDelivery
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := ReadRegular(filepath.Join(dir, e.Name()))
		var d legacyDelivery
		if err != nil || json.Unmarshal(data, &d) != nil || d.ID == "" || d.HookID == "" {
			continue
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

func importQueue(ctx context.Context, store hubdb.Store, dir string, registered map[string]bool) (int, error) {
	ds, err := readDeliveries(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range ds {
		if !registered[d.HookID] || len(d.Body) > hubdb.MaxDocBytes {
			continue
		}
		err := store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
			return tx.Enqueue(Queue, hubdb.NewJob{ID: d.ID, Key: d.HookID, Payload: d.Body})
		})
		if notebook.IsCode(err, notebook.Conflict) {
			continue // imported by an earlier, interrupted start
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, MarkImported(dir)
}

func importDead(ctx context.Context, store hubdb.Store, dir string, registered map[string]bool) (int, error) {
	ds, err := readDeliveries(dir)
	if err != nil {
		return 0, err
	}
	perHook := map[string]int{}
	for _, d := range ds {
		if registered[d.HookID] {
			perHook[d.HookID]++
		}
	}
	err = store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		for id, count := range perHook {
			var f figures
			if val, ok, err := tx.GetDoc(Namespace, statusPrefix+id); err != nil {
				return err
			} else if ok {
				_ = json.Unmarshal(val, &f)
			}
			f.DeadImported = count // not +=: a repeated import counts the same files
			val, _ := json.Marshal(f)
			if err := tx.PutDoc(Namespace, statusPrefix+id, val); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ds), MarkImported(dir)
}

// MarkImported renames an imported file or dir to <path>.imported (a
// missing path is fine: there was nothing to import).
func MarkImported(path string) error {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	target := path + ".imported"
	if _, err := os.Lstat(target); err == nil { // an earlier import's: keep both
		target = path + ".imported-" + time.Now().UTC().Format("20060102T150405")
	}
	if err := os.Rename(path, target); err != nil {
		return notebook.Wrap(notebook.Internal, err, "rename %s after importing it: %v", path, err)
	}
	return nil
}

// ReadRegular reads a file of the old product dir, refusing anything but
// a regular file — a FIFO would block the start, a device or a symlink
// would read someone else's data — and anything over 256 MB. The file is
// opened without following a symlink and without blocking, then checked.
func ReadRegular(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, notebook.Errorf(notebook.Invalid, "read %s: a symlink; the hub reads only its own regular files there — move it away and start again", path)
		}
		return nil, notebook.Wrap(notebook.Internal, err, "read %s: %v", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, notebook.Wrap(notebook.Internal, err, "read %s: %v", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, notebook.Errorf(notebook.Invalid, "read %s: not a regular file (%v); move it away and start again", path, fi.Mode().Type())
	}
	const limit = 256 << 20
	if fi.Size() > limit {
		return nil, notebook.Errorf(notebook.Invalid, "read %s: %d bytes, more than such a file can hold", path, fi.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, limit))
	if err != nil {
		return nil, notebook.Wrap(notebook.Internal, err, "read %s: %v", path, err)
	}
	return data, nil
}

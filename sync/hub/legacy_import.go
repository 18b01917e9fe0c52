package hub

import (
	"context"
	"crypto/subtle"
	"errors"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/webhooks"
)

// ImportProductDir moves the state that hubs before this one kept in
// files under <data>/product — the pseudonym secret, the first-seen steps
// (seen.ndjson), webhooks with their queue and dead letters — into the
// store, once: each file is renamed <name>.imported after it has been
// written to the store, so a second start imports nothing and a start
// interrupted halfway imports the rest (every step is safe to repeat).
// fieldhub serve and fieldhub copy call it before anything reads the
// store; a dir without those files is left alone.
func ImportProductDir(ctx context.Context, store hubdb.Store, dir string, log *slog.Logger) error {
	if dir == "" {
		return nil
	}
	if err := importSecret(ctx, store, filepath.Join(dir, "secret"), log); err != nil {
		return err
	}
	steps, err := importSeen(ctx, store, dir)
	if err != nil {
		return err
	}
	hooks, queued, dead, err := webhooks.ImportFiles(ctx, store, dir)
	if err != nil {
		return err
	}
	if steps+hooks+queued+dead > 0 {
		log.Info("imported the product dir into the store", "dir", dir, "seen_steps", steps, "webhooks", hooks, "queued", queued, "dead", dead)
	}
	return nil
}

// importSecret keeps the file's secret, so pseudonyms in earlier exports
// and messages stay the same, unless the store already has another one
// (then the store's wins, and the operator is told).
func importSecret(ctx context.Context, store hubdb.Store, path string, log *slog.Logger) error {
	secret, err := readLegacyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(secret) < 32 {
		log.Warn("product dir: the pseudonym secret file is too short to be one; not imported", "path", path)
		return webhooks.MarkImported(path)
	}
	kept := true
	err = store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		val, ok, err := tx.GetDoc(hubNamespace, secretKey)
		if err != nil {
			return err
		}
		if ok && len(val) >= 32 {
			kept = subtle.ConstantTimeCompare(val, secret) == 1
			return nil
		}
		return tx.PutDoc(hubNamespace, secretKey, secret)
	})
	if err != nil {
		return notebook.Wrap(notebook.ErrorCode(err), err, "import %s: %v", path, err)
	}
	if !kept {
		log.Warn("product dir: the store already has another pseudonym secret; the file's is not used", "path", path)
	}
	return webhooks.MarkImported(path)
}

func importSeen(ctx context.Context, store hubdb.Store, dir string) (int, error) {
	path := filepath.Join(dir, "seen.ndjson")
	old, err := openSeenSteps(dir)
	if err != nil {
		return 0, err
	}
	steps := old.all()
	for rest := steps; len(rest) > 0; {
		chunk := rest[:min(len(rest), hubdb.MaxDocWrites)]
		rest = rest[len(chunk):]
		err := store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
			for _, st := range chunk {
				if err := tx.PutDoc(seenNamespace, seenDocKey(st), []byte(st.At.UTC().Format(time.RFC3339Nano))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, notebook.Wrap(notebook.ErrorCode(err), err, "import %s: %v", path, err)
		}
	}
	return len(steps), webhooks.MarkImported(path)
}

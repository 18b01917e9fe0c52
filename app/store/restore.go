package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// A restore never touches the notebook it replaces until the new one is
// complete: the backup is loaded into a sibling directory "<dir>.restore-new",
// reopened and read back in full, and only then swapped in by two renames:
//
//	<dir>              → <dir>.restore-old
//	<dir>.restore-new  → <dir>
//
// after which the old directory is removed. A crash (kill -9, power loss)
// can stop this at any point; the next Open finishes or undoes it
// (recoverInterruptedRestore), so it always finds either the old notebook
// or the restored one, never a mix and never an empty one.
const (
	restoreNewSuffix = ".restore-new"
	restoreOldSuffix = ".restore-old"
)

// Restore replaces everything in the store with the backup in r. The file
// is verified completely before anything is dropped. Afterwards the store
// takes a new sync identity and renumbers its outbox, so unsent edits from
// the backup are sent again and nothing is mistaken for a duplicate.
func (s *Store) Restore(ctx context.Context, open func() (io.ReadCloser, error)) error {
	if err := s.verifyBackup(open); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.opts.InMemory {
		if err := s.restoreInPlace(open); err != nil {
			return err
		}
	} else if err := s.restoreBySwap(ctx, open); err != nil {
		return err
	}
	return s.init()
}

// restoreInPlace is for in-memory stores, which no crash can leave half-done.
func (s *Store) restoreInPlace(open func() (io.ReadCloser, error)) error {
	return s.loadBackup(s.db, open)
}

// loadBackup streams the backup into db and gives it a new sync identity.
func (s *Store) loadBackup(db *badger.DB, open func() (io.ReadCloser, error)) error {
	f, err := open()
	if err != nil {
		return internal(err, "opening the backup")
	}
	defer f.Close()
	plain, err := s.openBackup(f)
	if err != nil {
		return err
	}
	if err := db.DropAll(); err != nil {
		return internal(err, "clearing the notebook before restoring")
	}
	if err := db.Load(plain, 256); err != nil {
		return internal(err, "loading the backup")
	}
	return internal(db.Update(resetSyncIdentity), "resetting the sync identity")
}

func (s *Store) restoreBySwap(ctx context.Context, open func() (io.ReadCloser, error)) error {
	dir := s.opts.Dir
	fresh := dir + restoreNewSuffix
	if err := os.RemoveAll(fresh); err != nil {
		return internal(err, "clearing an earlier unfinished restore")
	}
	if err := s.buildRestored(fresh, open); err != nil {
		_ = os.RemoveAll(fresh)
		return err
	}
	if err := ctxErr(ctx); err != nil {
		_ = os.RemoveAll(fresh)
		return err
	}
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	if err := s.db.Close(); err != nil {
		return internal(err, "closing the notebook before the swap")
	}
	if err := swapIn(dir, fresh); err != nil {
		// The old directory is still in place (or put back at the next Open).
		if db, oerr := openBadger(s.opts, dir); oerr == nil {
			s.db = db
		}
		return internal(err, "swapping in the restored notebook")
	}
	db, err := openBadger(s.opts, dir)
	if err != nil {
		return err
	}
	s.db = db
	if err := os.RemoveAll(dir + restoreOldSuffix); err != nil {
		s.log.Warn("store: could not remove the replaced notebook", "dir", dir+restoreOldSuffix, "err", err)
	}
	return nil
}

// buildRestored loads the backup into a new database in dir, closes it
// (fsynced) and reopens it to read every value back: only a notebook that
// opens and reads whole is swapped in.
func (s *Store) buildRestored(dir string, open func() (io.ReadCloser, error)) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return internal(err, "creating the directory to restore into")
	}
	db, err := openBadger(s.opts, dir)
	if err != nil {
		return err
	}
	if err := s.loadBackup(db, open); err != nil {
		db.Close()
		return err
	}
	if err := db.Close(); err != nil {
		return internal(err, "closing the restored notebook")
	}
	db, err = openBadger(s.opts, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := readEverything(db); err != nil {
		return notebook.Wrap(notebook.Invalid, err, "the restored notebook does not read back whole (%v); the current notebook was kept", err)
	}
	return syncDir(dir)
}

// readEverything reads every key and value, which decrypts every block.
func readEverything(db *badger.DB) error {
	return db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := it.Item().Value(func([]byte) error { return nil }); err != nil {
				return err
			}
		}
		return nil
	})
}

// swapIn moves dir aside and fresh into its place, fsyncing the parent so
// the renames themselves are durable.
func swapIn(dir, fresh string) error {
	old := dir + restoreOldSuffix
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := os.Rename(fresh, dir); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dir))
}

// recoverInterruptedRestore finishes or undoes a restore a crash cut short,
// before anything opens dir:
//   - <dir>.restore-old exists and dir holds a notebook: the swap was done;
//     the old copy is removed.
//   - <dir>.restore-old exists and dir is missing or empty: the crash came
//     between the two renames; the old notebook is put back.
//   - only <dir>.restore-new exists: the restore never got to the swap; the
//     partial copy is removed and the notebook in dir is untouched.
func recoverInterruptedRestore(dir string, log *slog.Logger) error {
	old, fresh := dir+restoreOldSuffix, dir+restoreNewSuffix
	if isDir(old) {
		if holdsNotebook(dir) {
			log.Warn("store: removing the notebook a finished restore replaced", "dir", old)
			if err := os.RemoveAll(old); err != nil {
				return notebook.Wrap(notebook.Internal, err, "cannot remove %s left by a restore: %v", old, err)
			}
		} else {
			log.Warn("store: a restore was interrupted before the swap finished; keeping the notebook it would have replaced", "dir", dir)
			if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return notebook.Wrap(notebook.Internal, err, "cannot put back %s after an interrupted restore: %s is in the way: %v", old, dir, err)
			}
			if err := os.Rename(old, dir); err != nil {
				return notebook.Wrap(notebook.Internal, err, "cannot put back %s after an interrupted restore: %v", old, err)
			}
			if err := syncDir(filepath.Dir(dir)); err != nil {
				return notebook.Wrap(notebook.Internal, err, "cannot put back %s after an interrupted restore: %v", old, err)
			}
		}
	}
	if isDir(fresh) {
		log.Warn("store: removing the partial copy of an interrupted restore", "dir", fresh)
		if err := os.RemoveAll(fresh); err != nil {
			return notebook.Wrap(notebook.Internal, err, "cannot remove %s left by an interrupted restore: %v", fresh, err)
		}
	}
	return nil
}

func isDir(path string) bool {
	info, err := os.Lstat(path)
	return err == nil && info.IsDir()
}

// holdsNotebook reports whether dir has a Badger manifest (an empty dir, as
// a caller's MkdirAll leaves, does not).
func holdsNotebook(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, badger.ManifestFilename))
	return err == nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// Package fileout writes files the user names — exports, backups, downloaded
// CSVs — so that a failure never leaves a half-written file under that name
// and a special file is written into, never replaced.
//
// A regular file (or a new name) is written to a temporary file in the same
// directory, synced, and renamed over the target, then the directory is
// synced: readers see the old content or the new, never a mix. A symlink is
// followed and its target written the same way; the link stays a link. A
// FIFO, a character device or a socket is opened and written in place, as a
// shell's `>` would: `fieldnotes export --out /dev/null` once replaced the
// system's /dev/null with a regular file when run as root.
//
// Errors from the file system come back as notebook.Invalid naming the path
// (the user picked it and can pick another); an error from the caller's
// writer comes back unchanged, code and all.
//
// Standard library and app/notebook only: the rules are short, and no
// library gets the special-file cases right for us.
package fileout

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"fieldnotes/app/notebook"
)

// maxLinks bounds symlink chains, as the kernel does (ELOOP after 40).
const maxLinks = 40

// Write writes what fn produces to path. perm is the mode of a new file; an
// existing regular file keeps its mode.
func Write(path string, perm fs.FileMode, fn func(io.Writer) error) error {
	var fnErr error
	write := func(w io.Writer) error { fnErr = fn(w); return fnErr }
	err := write1(path, perm, write)
	if err == nil || (fnErr != nil && errors.Is(err, fnErr)) {
		return err
	}
	return notebook.Wrap(notebook.Invalid, err, "cannot write %s: %v", path, err)
}

func write1(path string, perm fs.FileMode, fn func(io.Writer) error) error {
	target, info, err := resolve(path)
	if err != nil {
		return err
	}
	if info != nil && !info.Mode().IsRegular() {
		if info.IsDir() {
			return errors.New("it is a directory")
		}
		return writeInPlace(target, fn)
	}
	if info != nil {
		perm = info.Mode().Perm()
	}
	return replace(target, perm, fn)
}

// resolve follows symlinks to the path that will really be written and
// returns what is there now (nil when nothing is).
func resolve(path string) (string, fs.FileInfo, error) {
	for range maxLinks {
		info, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return path, info, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", nil, errors.New("too many levels of symbolic links")
}

// writeInPlace writes into a FIFO or device without creating or replacing it.
func writeInPlace(path string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// replace writes a temporary sibling and renames it over path.
func replace(path string, perm fs.FileMode, fn func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.part")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err = fn(f); err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename durable: the new name is in the directory's data.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

package update

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncproto"
)

// stagePrefix names the temporary files beside the binary.
const stagePrefix = ".fieldnotes-update-"

// PreviousSuffix is appended to the binary's path for the kept previous version.
const PreviousSuffix = ".previous"

// download fetches the release into a new temporary file beside the
// binary and verifies its size and SHA-256 (the signature over both was
// checked before); any failure removes the file. A *refusal is a download
// that arrived but is not the signed release.
func (u *Updater) download(ctx context.Context, hubURL, token string, info syncproto.ReleaseInfo) (path string, err error) {
	exe := u.executable()
	if exe == "" {
		return "", fmt.Errorf("cannot tell where this binary is")
	}
	// os.CreateTemp opens with O_EXCL: never through a file or symlink
	// that is already there.
	f, err := os.CreateTemp(filepath.Dir(exe), stagePrefix+"*")
	if err != nil {
		return "", fmt.Errorf("cannot write beside the binary in %s (%v); ask IT to update this copy", filepath.Dir(exe), err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	resp, err := u.get(ctx, hubURL+info.Path, token)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the hub answered %d to the download", resp.StatusCode)
	}
	h := sha256.New()
	// One byte more than signed tells an oversized body from a right one
	// without reading an endless one.
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(resp.Body, info.Size+1))
	switch {
	case n > info.Size:
		return "", &refusal{fmt.Sprintf("the download is larger than the signed %d bytes", info.Size)}
	case err != nil && n < info.Size:
		return "", &refusal{fmt.Sprintf("the download was cut short at %d of %d bytes (%v)", n, info.Size, err)}
	case err != nil:
		return "", err
	case n < info.Size:
		return "", &refusal{fmt.Sprintf("the download was cut short at %d of %d bytes", n, info.Size)}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != info.SHA256 {
		return "", &refusal{fmt.Sprintf("the download's SHA-256 (%s…) is not the signed one (%s…)", got[:12], info.SHA256[:12])}
	}
	if err := f.Chmod(0o755); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// Apply replaces the binary with the staged, verified release: the
// previous binary stays as <binary>.previous (a hard link, so the binary's
// path always names a whole file), then one rename puts the new one in
// place. The staged file's hash is checked again first: it sat in a
// directory others may write to since it was verified.
func (u *Updater) Apply() (Status, error) {
	u.mu.Lock()
	staged, info := u.staged, u.release
	u.mu.Unlock()
	if staged == "" {
		return u.Status(), errNothingStaged
	}
	exe := u.executable()
	if err := checkFile(staged, info); err != nil {
		u.Discard()
		st := u.set(Status{Phase: PhaseRefused, Available: info.Version, Message: fmt.Sprintf("Version %s was refused: the downloaded file changed after it was verified (%v). Nothing was changed.", info.Version, err)})
		return st, notebook.Errorf(notebook.Invalid, "%s", st.Message)
	}
	if err := swap(exe, staged); err != nil {
		u.Discard()
		st := u.set(Status{Phase: PhaseFailed, Available: info.Version, Message: "The update could not be put in place: " + err.Error() + ". This version keeps running."})
		return st, notebook.Wrap(notebook.Internal, err, "%s", st.Message)
	}
	u.mu.Lock()
	u.staged = ""
	u.mu.Unlock()
	return u.set(Status{Phase: PhaseApplied, Available: info.Version, Message: fmt.Sprintf(
		"Updated to version %s; the previous version is kept as %s. It runs from the next start.", info.Version, exe+PreviousSuffix)}), nil
}

// Discard removes a staged file that will not be applied.
func (u *Updater) Discard() {
	u.mu.Lock()
	staged := u.staged
	u.staged = ""
	u.mu.Unlock()
	if staged != "" {
		os.Remove(staged)
	}
}

// checkFile verifies path's size and SHA-256 against info.
func checkFile(path string, info syncproto.ReleaseInfo) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, info.Size+1))
	if err != nil {
		return err
	}
	if n != info.Size || !bytes.Equal([]byte(hex.EncodeToString(h.Sum(nil))), []byte(info.SHA256)) {
		return fmt.Errorf("%d bytes, SHA-256 %x", n, h.Sum(nil)[:6])
	}
	return nil
}

// swap keeps exe as exe.previous and renames staged over exe (same
// directory: rename is atomic). The old .previous is ours to replace.
func swap(exe, staged string) error {
	prev := exe + PreviousSuffix
	if st, err := os.Lstat(prev); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("%s exists and is not a file; move it away", prev)
	}
	if err := os.Remove(prev); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Link(exe, prev); err != nil {
		// No hard links here (some file systems): fall back to moving the
		// binary aside, which leaves its path empty for a moment.
		if err := os.Rename(exe, prev); err != nil {
			return err
		}
		if err := os.Rename(staged, exe); err != nil {
			if rerr := os.Rename(prev, exe); rerr != nil {
				return fmt.Errorf("%v; and putting the old binary back failed: %v", err, rerr)
			}
			return err
		}
		return syncDir(filepath.Dir(exe))
	}
	if err := os.Rename(staged, exe); err != nil {
		os.Remove(prev)
		return err
	}
	return syncDir(filepath.Dir(exe))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

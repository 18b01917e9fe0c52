package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/y"
	"google.golang.org/protobuf/proto"

	"fieldnotes/app/notebook"
)

// Damage to the data directory must end in one clear sentence, never a
// panic: Badger opens its tables in goroutines of its own and panics on a
// truncated table or a missing key registry, which no recover() of ours can
// catch; and a block that fails its checksum silently ends an iterator, so
// records would just be missing. So Open first checks, reading only, what
// Badger would trip over (preflight): the key registry, each table's footer
// and index, and every block's checksum (our own table.OpenTable, in a
// recover: Badger's own check at Open dereferences nil on a bad block).
// That costs one decrypt-and-checksum pass over the tables at each Open.
// Reads verify blocks again, and turn a decoding failure into Damaged.

// damaged is the sentence every kind of damage ends in.
// Fields["damage"] keeps what is damaged, for the doctor's list.
func damaged(dir, what string, cause error) error {
	e := notebook.Wrap(notebook.Damaged, cause,
		"the notebook in %s is damaged (%s); nothing was changed; restore it from a backup with `fieldnotes --data %s restore FILE`, or save every record that can still be read with `fieldnotes --data %s doctor --salvage DIR`",
		dir, what, dir, dir)
	e.Fields = map[string]string{"damage": what}
	return e
}

// preflight checks, without writing anything, that Badger can open dir: the
// key registry is there when tables are, and every table's footer and index
// check out (a truncated or overwritten table fails here).
func preflight(dir string, key []byte) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return notebook.Wrap(notebook.Internal, err, "cannot read the data directory %s: %v", dir, err)
	}
	var tables []string
	has := map[string]bool{}
	for _, e := range entries {
		has[e.Name()] = true
		if strings.HasSuffix(e.Name(), ".sst") {
			tables = append(tables, e.Name())
		}
	}
	if len(key) > 0 && (has["MANIFEST"] || len(tables) > 0) && !has["KEYREGISTRY"] {
		return damaged(dir, "its key registry, KEYREGISTRY, is missing, so no table can be decrypted", nil)
	}
	for _, name := range tables {
		if err := checkTable(filepath.Join(dir, name)); err != nil {
			return damaged(dir, fmt.Sprintf("the table %s %v", name, err), err)
		}
	}
	if has["MANIFEST"] {
		if problems := eachTable(dir, key, options.OnTableRead, nil); len(problems) > 0 {
			return damaged(dir, problems[0], nil)
		}
	}
	return nil
}

// checkTable reads a table's footer the way Badger does (…index | index
// length | checksum | checksum length) and verifies the index's checksum,
// bounds-checking every length first.
func checkTable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot be read: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot be read: %w", err)
	}
	size := info.Size()
	u32At := func(off int64) (int64, error) {
		var b [4]byte
		if off < 0 || off+4 > size {
			return 0, errors.New("is truncated")
		}
		if _, err := f.ReadAt(b[:], off); err != nil {
			return 0, fmt.Errorf("cannot be read: %w", err)
		}
		return int64(binary.BigEndian.Uint32(b[:])), nil
	}
	bytesAt := func(off, n int64) ([]byte, error) {
		if off < 0 || n < 0 || off+n > size {
			return nil, errors.New("is truncated (its footer points outside the file)")
		}
		b := make([]byte, n)
		_, err := f.ReadAt(b, off)
		return b, err
	}
	pos := size - 4
	chkLen, err := u32At(pos)
	if err != nil {
		return err
	}
	if chkLen > 1<<10 {
		return errors.New("is truncated or overwritten (its footer makes no sense)")
	}
	pos -= chkLen
	raw, err := bytesAt(pos, chkLen)
	if err != nil {
		return err
	}
	var chk pb.Checksum
	if err := proto.Unmarshal(raw, &chk); err != nil || (chk.Algo != pb.Checksum_CRC32C && chk.Algo != pb.Checksum_XXHash64) {
		return errors.New("is truncated or overwritten (its checksum cannot be read)") // y.VerifyChecksum panics on an unknown algorithm
	}
	pos -= 4
	indexLen, err := u32At(pos)
	if err != nil {
		return err
	}
	index, err := bytesAt(pos-indexLen, indexLen)
	if err != nil {
		return err
	}
	if err := y.VerifyChecksum(index, &chk); err != nil {
		return errors.New("is truncated or overwritten (its index fails its checksum)")
	}
	return nil
}

// isDamage tells stored-data damage from other failures: a value that does
// not decode (we only ever store what we encoded) or a block that fails its
// checksum.
func isDamage(err error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typ) || errors.Is(err, y.ErrChecksumMismatch) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "checksum") || strings.Contains(msg, "CHECKSUM")
}

// readErr turns damage found while reading into the damage sentence.
func (s *Store) readErr(err error) error {
	if err == nil || s.opts.InMemory {
		return err
	}
	if code := notebook.ErrorCode(err); (code != "" && code != notebook.Internal) || !isDamage(err) {
		return err
	}
	return damaged(s.opts.Dir, "a stored record cannot be read: "+err.Error(), err)
}

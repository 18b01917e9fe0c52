package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"

	"fmt"
	"io"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// A backup is Badger's stream backup, sealed in AES-256-GCM chunks with the
// store's key so a backup file is as unreadable as the data directory:
//
//	"FNBACKUP1\n" | nonce prefix (8 bytes) | chunk*
//	chunk = length (4 bytes, big endian) | GCM(seal, nonce = prefix|counter, aad = final flag)
//
// The final chunk is flagged, so a truncated file is detected, not half-restored.
const backupMagic = "FNBACKUP1\n"

const backupChunk = 256 << 10

// Backup writes an encrypted backup of everything to w.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	aead, err := s.backupCipher()
	if err != nil {
		return err
	}
	var prefix [8]byte
	if _, err := rand.Read(prefix[:]); err != nil {
		return internal(err, "making a backup nonce")
	}
	if _, err := io.WriteString(w, backupMagic); err != nil {
		return internal(err, "writing the backup")
	}
	if _, err := w.Write(prefix[:]); err != nil {
		return internal(err, "writing the backup")
	}
	cw := &chunkWriter{w: w, aead: aead, prefix: prefix}
	s.dbMu.RLock()
	_, err = s.db.Backup(cw, 0)
	s.dbMu.RUnlock()
	if err != nil {
		return internal(err, "writing the backup")
	}
	return internal(cw.close(), "writing the backup")
}

func (s *Store) backupCipher() (cipher.AEAD, error) {
	if len(s.opts.Key) != 32 {
		return nil, notebook.Errorf(notebook.Invalid, "backups need an encrypted store")
	}
	block, err := aes.NewCipher(s.opts.Key)
	if err != nil {
		return nil, internal(err, "preparing backup encryption")
	}
	return cipher.NewGCM(block)
}

type chunkWriter struct {
	w       io.Writer
	aead    cipher.AEAD
	prefix  [8]byte
	counter uint32
	buf     bytes.Buffer
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	c.buf.Write(p)
	for c.buf.Len() >= backupChunk {
		if err := c.seal(c.buf.Next(backupChunk), false); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (c *chunkWriter) close() error { return c.seal(c.buf.Bytes(), true) }

func (c *chunkWriter) seal(plain []byte, final bool) error {
	sealed := c.aead.Seal(nil, c.nonce(), plain, finalFlag(final))
	c.counter++
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(sealed)))
	if _, err := c.w.Write(n[:]); err != nil {
		return err
	}
	_, err := c.w.Write(sealed)
	return err
}

func (c *chunkWriter) nonce() []byte {
	n := make([]byte, 12)
	copy(n, c.prefix[:])
	binary.BigEndian.PutUint32(n[8:], c.counter)
	return n
}

func finalFlag(final bool) []byte {
	if final {
		return []byte{1}
	}
	return []byte{0}
}

// openBackup checks the header and returns a reader of the plain stream.
func (s *Store) openBackup(r io.Reader) (io.Reader, error) {
	aead, err := s.backupCipher()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(r)
	head := make([]byte, len(backupMagic)+8)
	if _, err := io.ReadFull(br, head); err != nil || string(head[:len(backupMagic)]) != backupMagic {
		return nil, notebook.Errorf(notebook.Invalid, "this file is not a Fieldnotes backup")
	}
	cr := &chunkReader{r: br, aead: aead}
	copy(cr.prefix[:], head[len(backupMagic):])
	return cr, nil
}

type chunkReader struct {
	r       *bufio.Reader
	aead    cipher.AEAD
	prefix  [8]byte
	counter uint32
	plain   []byte
	done    bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.plain) == 0 {
		if c.done {
			return 0, io.EOF
		}
		if err := c.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.plain)
	c.plain = c.plain[n:]
	return n, nil
}

func (c *chunkReader) next() error {
	var n [4]byte
	if _, err := io.ReadFull(c.r, n[:]); err != nil {
		return notebook.Errorf(notebook.Invalid, "the backup is truncated (chunk %d is missing)", c.counter+1)
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > backupChunk+uint32(c.aead.Overhead()) {
		return notebook.Errorf(notebook.Invalid, "the backup is damaged (chunk %d claims %d bytes)", c.counter+1, size)
	}
	sealed := make([]byte, size)
	if _, err := io.ReadFull(c.r, sealed); err != nil {
		return notebook.Errorf(notebook.Invalid, "the backup is truncated (inside chunk %d)", c.counter+1)
	}
	cw := chunkWriter{prefix: c.prefix, counter: c.counter}
	for _, final := range []bool{false, true} {
		if plain, err := c.aead.Open(nil, cw.nonce(), sealed, finalFlag(final)); err == nil {
			c.plain, c.done = plain, final
			c.counter++
			if final {
				return c.atEnd()
			}
			return nil
		}
	}
	return notebook.Errorf(notebook.Invalid, "the backup cannot be decrypted with this notebook's key, or it is damaged (chunk %d)", c.counter+1)
}

// atEnd checks nothing follows the final chunk: the format knows its own
// length, so extra bytes mean the file is not the backup that was written.
func (c *chunkReader) atEnd() error {
	extra, err := io.Copy(io.Discard, c.r)
	if err != nil {
		return notebook.Wrap(notebook.Invalid, err, "cannot read the backup to its end: %v", err)
	}
	if extra > 0 {
		return notebook.Errorf(notebook.Invalid, "the backup has %d bytes of unexpected data after its end; it is damaged or not the file that was written", extra)
	}
	return nil
}

func (s *Store) verifyBackup(open func() (io.ReadCloser, error)) error {
	f, err := open()
	if err != nil {
		return notebook.Wrap(notebook.Invalid, err, "cannot open the backup: %v", err)
	}
	defer f.Close()
	plain, err := s.openBackup(f)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, plain); err != nil {
		return err
	}
	return nil
}

// resetSyncIdentity gives a restored notebook a new client id, forgets the
// sync cursor (a full pull follows) and renumbers the outbox from 1.
func resetSyncIdentity(txn *badger.Txn) error {
	for _, k := range []string{keyClientID, keyMutation} {
		if err := txn.Delete([]byte(k)); err != nil {
			return err
		}
	}
	if err := deletePrefix(txn, []byte(prefixSync)); err != nil {
		return err
	}
	var pending []Mutation
	if err := scanOutbox(txn, func(m Mutation) bool { pending = append(pending, m); return true }); err != nil {
		return err
	}
	if err := deletePrefix(txn, []byte(prefixOut)); err != nil {
		return err
	}
	for i, m := range pending {
		m.MutationID = uint64(i + 1)
		raw, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if err := txn.Set(outboxKey(m.MutationID), raw); err != nil {
			return err
		}
	}
	return setUint(txn, keyMutation, uint64(len(pending)))
}

func deletePrefix(txn *badger.Txn, prefix []byte) error {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	var keys [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return fmt.Errorf("delete %q: %w", k, err)
		}
	}
	return nil
}

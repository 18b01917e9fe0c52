package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// Releases (fieldhub release add, GET /v1/releases/…) let a team's hub
// hand its own signed builds of the app to its laptops. The hub stores an
// artefact exactly as given with its size, SHA-256 and the detached
// Ed25519 signature made offline by fieldhub release sign; it never holds
// the private key and never signs. The app checks the signature against
// its own public key, so a hub that is broken into can refuse updates but
// cannot push a build the key holder did not sign.
//
// Everything lives in the "releases" document namespace (hubdb/doc.go):
//
//	rel/<os>/<arch>/<version>   the release's metadata (storedRelease JSON)
//	blob/<sha256>/<n %06d>      the artefact's bytes in chunks of releaseChunk
//
// An artefact is far larger than one document (MaxDocBytes) or one
// document transaction (MaxDocTxBytes), so it is written in chunks over
// several transactions and its metadata last: a release is visible only
// once every chunk is durable, and an upload that dies half-way leaves
// unreachable chunks that the next add of the same bytes overwrites.
// Chunks are keyed by content, so that retry, and two versions of the same
// bytes, share them. No new Store method: both backends already keep
// documents, and the storetest contract already covers them.

const releasesNS = "releases"

// releaseChunk is the size of one stored chunk: half a document, because
// Badger keeps values of 1 MiB and more in its value log, which its
// in-memory mode (tests) does not have. releaseChunksPerTx keeps a
// transaction under MaxDocTxBytes.
const (
	releaseChunk       = hubdb.MaxDocBytes / 2
	releaseChunksPerTx = hubdb.MaxDocTxBytes/releaseChunk - 1
)

// releaseStreamTime bounds sending one artefact: far longer than the
// hub's ordinary write timeout, which is sized for API answers.
const releaseStreamTime = 30 * time.Minute

type storedRelease struct {
	syncproto.ReleaseInfo
	Chunks  int       `json:"chunks"`
	AddedAt time.Time `json:"added_at"`
	AddedBy string    `json:"added_by"`
}

func releaseKey(goos, arch, version string) string {
	return "rel/" + goos + "/" + arch + "/" + version
}

func chunkKey(sha string, n int) string { return fmt.Sprintf("blob/%s/%06d", sha, n) }

// AddRelease stores the artefact read from body as release info (its
// Path is set here). The bytes must match info.Size and info.SHA256 and
// the signature must be well-formed (its truth is for the app to check:
// the hub has no key). A version already stored for that platform is a
// Conflict: releases are immutable, so every laptop that saw a version saw
// the same bytes.
func AddRelease(ctx context.Context, store hubdb.Store, info syncproto.ReleaseInfo, body io.Reader, by string, now time.Time) (syncproto.ReleaseInfo, error) {
	info.Path = syncproto.ReleasePath(info.Version, info.OS, info.Arch)
	if err := syncproto.CheckRelease(info); err != nil {
		return info, notebook.Errorf(notebook.Invalid, "%s", err.(*syncproto.Error).Message)
	}
	key := releaseKey(info.OS, info.Arch, info.Version)
	if exists, err := releaseExists(ctx, store, key); err != nil || exists {
		if err == nil {
			err = notebook.Errorf(notebook.Conflict, "release %s for %s/%s is already on the hub; a release never changes (publish a new version)", info.Version, info.OS, info.Arch)
		}
		return info, err
	}
	chunks, err := storeChunks(ctx, store, info, body)
	if err != nil {
		return info, err
	}
	rec, _ := json.Marshal(storedRelease{ReleaseInfo: info, Chunks: chunks, AddedAt: now.UTC(), AddedBy: by})
	err = store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		if _, ok, err := tx.GetDoc(releasesNS, key); err != nil || ok {
			if err == nil {
				err = notebook.Errorf(notebook.Conflict, "release %s for %s/%s was added meanwhile", info.Version, info.OS, info.Arch)
			}
			return err
		}
		return tx.PutDoc(releasesNS, key, rec)
	})
	return info, err
}

func releaseExists(ctx context.Context, store hubdb.Store, key string) (bool, error) {
	var ok bool
	err := store.ViewDocs(ctx, func(r hubdb.DocReader) (err error) {
		_, ok, err = r.GetDoc(releasesNS, key)
		return err
	})
	return ok, err
}

// storeChunks writes body's chunks, checking its size and hash as it goes;
// it returns the number of chunks.
func storeChunks(ctx context.Context, store hubdb.Store, info syncproto.ReleaseInfo, body io.Reader) (int, error) {
	h := sha256.New()
	limited := io.LimitReader(body, info.Size+1)
	var total int64
	n := 0
	batch := make([][]byte, 0, releaseChunksPerTx)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		first := n - len(batch)
		err := store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
			for i, c := range batch {
				if err := tx.PutDoc(releasesNS, chunkKey(info.SHA256, first+i), c); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	for {
		buf := make([]byte, releaseChunk)
		got, err := io.ReadFull(limited, buf)
		if got > 0 {
			total += int64(got)
			if total > info.Size {
				return 0, notebook.Errorf(notebook.Invalid, "the file is larger than --size %d says", info.Size)
			}
			h.Write(buf[:got])
			batch = append(batch, buf[:got])
			n++
			if len(batch) == releaseChunksPerTx {
				if err := flush(); err != nil {
					return 0, err
				}
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return 0, notebook.Wrap(notebook.Invalid, err, "reading the release: %v", err)
		}
	}
	if total != info.Size {
		return 0, notebook.Errorf(notebook.Invalid, "the file has %d bytes, not the %d the release says", total, info.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != info.SHA256 {
		return 0, notebook.Errorf(notebook.Invalid, "the file's SHA-256 is %s, not the %s the release says", got, info.SHA256)
	}
	return n, flush()
}

// LatestRelease is the newest release (by syncproto version order) for a
// platform; NotFound when there is none.
func LatestRelease(ctx context.Context, store hubdb.Store, goos, arch string) (syncproto.ReleaseInfo, error) {
	var best *storedRelease
	prefix := releaseKey(goos, arch, "")
	err := store.ViewDocs(ctx, func(r hubdb.DocReader) error {
		docs, err := r.ScanDocs(releasesNS, prefix, hubdb.PrefixEnd(prefix), 0)
		if err != nil {
			return err
		}
		for _, d := range docs {
			var sr storedRelease
			if err := json.Unmarshal(d.Value, &sr); err != nil {
				return notebook.Wrap(notebook.Internal, err, "release %s: %v", d.Key, err)
			}
			if c, ok := syncproto.CompareVersions(sr.Version, versionOf(best)); best == nil || (ok && c > 0) {
				best = &sr
			}
		}
		return nil
	})
	if err != nil {
		return syncproto.ReleaseInfo{}, err
	}
	if best == nil {
		return syncproto.ReleaseInfo{}, notebook.Errorf(notebook.NotFound, "no release for %s/%s on this hub", goos, arch)
	}
	return best.ReleaseInfo, nil
}

func versionOf(r *storedRelease) string {
	if r == nil {
		return ""
	}
	return r.Version
}

// ListReleases returns every stored release, for fieldhub release list.
func ListReleases(ctx context.Context, store hubdb.Store) ([]syncproto.ReleaseInfo, error) {
	var out []syncproto.ReleaseInfo
	err := store.ViewDocs(ctx, func(r hubdb.DocReader) error {
		docs, err := r.ScanDocs(releasesNS, "rel/", hubdb.PrefixEnd("rel/"), 0)
		for _, d := range docs {
			var sr storedRelease
			if json.Unmarshal(d.Value, &sr) == nil {
				out = append(out, sr.ReleaseInfo)
			}
		}
		return err
	})
	return out, err
}

func (s *Server) releaseRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/releases/latest", s.authed(s.handleLatestRelease))
	mux.HandleFunc("GET /v1/releases/{version}/{os}/{arch}", s.authed(s.handleReleaseDownload))
}

// handleLatestRelease: GET /v1/releases/latest?os=linux&arch=amd64, any
// signed-in user (every rep's laptop updates itself).
func (s *Server) handleLatestRelease(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	goos, arch := q.Get("os"), q.Get("arch")
	if !syncproto.ValidPlatformName(goos) || !syncproto.ValidPlatformName(arch) {
		writeError(w, http.StatusBadRequest, string(notebook.Invalid), "os and arch are required: lowercase Go names such as os=linux&arch=amd64")
		return
	}
	info, err := LatestRelease(r.Context(), s.store, goos, arch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// handleReleaseDownload streams an artefact chunk by chunk, each read in
// its own short snapshot, so a slow download holds no transaction open.
func (s *Server) handleReleaseDownload(w http.ResponseWriter, r *http.Request) {
	version, goos, arch := r.PathValue("version"), r.PathValue("os"), r.PathValue("arch")
	if _, ok := syncproto.ParseVersion(version); !ok || !syncproto.ValidPlatformName(goos) || !syncproto.ValidPlatformName(arch) {
		writeError(w, http.StatusBadRequest, string(notebook.Invalid), "want /v1/releases/{version}/{os}/{arch} with a release version and lowercase os and arch")
		return
	}
	var sr storedRelease
	err := s.store.ViewDocs(r.Context(), func(dr hubdb.DocReader) error {
		raw, ok, err := dr.GetDoc(releasesNS, releaseKey(goos, arch, version))
		if err != nil {
			return err
		}
		if !ok {
			return notebook.Errorf(notebook.NotFound, "no release %s for %s/%s on this hub", version, goos, arch)
		}
		return json.Unmarshal(raw, &sr)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(releaseStreamTime))
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(sr.Size, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	for n := 0; n < sr.Chunks; n++ {
		var chunk []byte
		err := s.store.ViewDocs(r.Context(), func(dr hubdb.DocReader) error {
			var ok bool
			var err error
			chunk, ok, err = dr.GetDoc(releasesNS, chunkKey(sr.SHA256, n))
			if err == nil && !ok {
				err = notebook.Errorf(notebook.Internal, "release %s %s/%s: chunk %d is missing", version, goos, arch, n)
			}
			return err
		})
		if err != nil {
			// The status is sent: cutting the body short is all that is left,
			// and the app refuses a short download.
			s.log.Error("release download failed", "version", version, "os", goos, "arch", arch, "err", err)
			return
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

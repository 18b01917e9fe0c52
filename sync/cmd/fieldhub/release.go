package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/syncproto"
)

// releaseCommand: fieldhub release keygen|sign|add|list.
//
// keygen and sign are offline and touch no store: run them on the
// release manager's machine, where the private key stays. The hub only
// receives the artefact and its detached signature (add), so a broken-into
// hub cannot sign a build. The signature covers the manifest of
// syncproto.ReleaseInfo (version, os, arch, size, SHA-256), hence sign
// needs the same --version/--os/--arch as add.
func releaseCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("release "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, "data directory of a stopped hub (add, list)")
	out := fs.String("out", "", "keygen: path prefix of the key pair (PREFIX.key, PREFIX.pub); sign: signature file (default FILE.sig)")
	keyFile := fs.String("key", "", "sign: the Ed25519 private key (PEM, from keygen; mode 0600)")
	version := fs.String("version", "", "the release version, as the build's `fieldnotes version` prints it (sign, add)")
	goos := fs.String("os", "linux", "the artefact's OS, Go's name (sign, add)")
	arch := fs.String("arch", "amd64", "the artefact's architecture, Go's name (sign, add)")
	sigFile := fs.String("sig", "", "add: the signature file from release sign")
	pubFile := fs.String("public-key", "", "add: check the signature against this public key before storing (recommended)")
	files, ok := parseInterspersed(fs, args[1:])
	if !ok {
		return exitUsage
	}
	if len(files) > 1 {
		fmt.Fprintf(stderr, "fieldhub: release %s takes one file, got %d\n", sub, len(files))
		return exitUsage
	}
	file := ""
	if len(files) == 1 {
		file = files[0]
	}
	var err error
	switch sub {
	case "keygen":
		err = releaseKeygen(*out, stdout)
	case "sign":
		err = releaseSign(file, *keyFile, *out, *version, *goos, *arch, stdout)
	case "add":
		err = releaseAdd(stores, file, *sigFile, *pubFile, *version, *goos, *arch, stdout, stderr)
	case "list":
		err = releaseList(stores, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "fieldhub: unknown release command %q\n%s", sub, usage)
		return exitUsage
	}
	if err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// parseInterspersed parses flags before and after the file names
// (`release sign FILE --key K` reads naturally; package flag stops at
// the first name).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, bool) {
	var names []string
	for {
		if fs.Parse(args) != nil {
			return nil, false
		}
		if fs.NArg() == 0 {
			return names, true
		}
		names = append(names, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// releaseKeygen writes a new key pair; it never replaces an existing file.
func releaseKeygen(prefix string, stdout io.Writer) error {
	if prefix == "" {
		return notebook.Errorf(notebook.Invalid, "release keygen needs --out PREFIX (writes PREFIX.key and PREFIX.pub)")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "generate key: %v", err)
	}
	privDER, _ := x509.MarshalPKCS8PrivateKey(priv)
	pubDER, _ := x509.MarshalPKIXPublicKey(pub)
	if err := writeNew(prefix+".key", 0o600, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})); err != nil {
		return err
	}
	if err := writeNew(prefix+".pub", 0o644, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]string{
		"private_key": prefix + ".key", "public_key": prefix + ".pub",
		// The form for -ldflags "-X fieldnotes/app/update.PublicKey=…".
		"public_key_base64": base64.StdEncoding.EncodeToString(pub),
	})
}

// writeNew creates path (O_EXCL: never over an existing file or a
// symlink someone planted there) with perm.
func writeNew(path string, perm os.FileMode, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if os.IsExist(err) {
			return notebook.Errorf(notebook.Conflict, "%s already exists; remove it or choose another name", path)
		}
		return notebook.Wrap(notebook.Invalid, err, "%v", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return notebook.Wrap(notebook.Internal, err, "write %s: %v", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return notebook.Wrap(notebook.Internal, err, "write %s: %v", path, err)
	}
	return f.Close()
}

// readPrivateKey loads a PEM PKCS#8 Ed25519 key that only its owner can
// read (as ssh insists: a key others can read is not private).
func readPrivateKey(path string) (ed25519.PrivateKey, error) {
	if path == "" {
		return nil, notebook.Errorf(notebook.Invalid, "release sign needs --key PRIVATE_KEY_FILE (from fieldhub release keygen)")
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, notebook.Wrap(notebook.Invalid, err, "--key: %v", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, notebook.Errorf(notebook.Forbidden, "--key %s: permissions %04o let others read the private key; chmod 600 it", path, st.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, notebook.Wrap(notebook.Invalid, err, "--key: %v", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, notebook.Errorf(notebook.Invalid, "--key %s: no PEM PRIVATE KEY block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, notebook.Errorf(notebook.Invalid, "--key %s: %v", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, notebook.Errorf(notebook.Invalid, "--key %s: not an Ed25519 key", path)
	}
	return priv, nil
}

// describeFile is the release info of an artefact without its signature.
func describeFile(path, version, goos, arch string) (syncproto.ReleaseInfo, error) {
	if path == "" {
		return syncproto.ReleaseInfo{}, notebook.Errorf(notebook.Invalid, "name the release file: fieldhub release sign|add FILE …")
	}
	f, err := os.Open(path)
	if err != nil {
		return syncproto.ReleaseInfo{}, notebook.Wrap(notebook.Invalid, err, "%v", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, syncproto.MaxReleaseBytes+1))
	if err != nil {
		return syncproto.ReleaseInfo{}, notebook.Wrap(notebook.Invalid, err, "read %s: %v", path, err)
	}
	info := syncproto.ReleaseInfo{Version: version, OS: goos, Arch: arch, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	info.Path = syncproto.ReleasePath(version, goos, arch)
	return info, nil
}

func releaseSign(file, keyFile, out, version, goos, arch string, stdout io.Writer) error {
	priv, err := readPrivateKey(keyFile)
	if err != nil {
		return err
	}
	info, err := describeFile(file, version, goos, arch)
	if err != nil {
		return err
	}
	info.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, info.Manifest()))
	if err := syncproto.CheckRelease(info); err != nil {
		return notebook.Errorf(notebook.Invalid, "%s", err.(*syncproto.Error).Message)
	}
	if out == "" {
		out = file + ".sig"
	}
	if err := writeNew(out, 0o644, []byte(info.Signature+"\n")); err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]any{"signature": out, "version": version, "os": goos, "arch": arch, "size": info.Size, "sha256": info.SHA256})
}

func releaseAdd(stores storeFlags, file, sigFile, pubFile, version, goos, arch string, stdout, stderr io.Writer) error {
	if sigFile == "" {
		return notebook.Errorf(notebook.Invalid, "release add needs --sig FILE (from fieldhub release sign, made where the private key is)")
	}
	info, err := describeFile(file, version, goos, arch)
	if err != nil {
		return err
	}
	sig, err := os.ReadFile(sigFile)
	if err != nil {
		return notebook.Wrap(notebook.Invalid, err, "--sig: %v", err)
	}
	info.Signature = strings.TrimSpace(string(sig))
	if pubFile != "" {
		raw, err := os.ReadFile(pubFile)
		if err != nil {
			return notebook.Wrap(notebook.Invalid, err, "--public-key: %v", err)
		}
		pub, err := syncproto.ParsePublicKey(string(raw))
		if err != nil {
			return notebook.Errorf(notebook.Invalid, "--public-key %s: %s", pubFile, err.(*syncproto.Error).Message)
		}
		if !info.VerifySignature(pub) {
			return notebook.Errorf(notebook.Invalid, "the signature in %s is not this key's signature of %s as version %s for %s/%s", sigFile, file, version, goos, arch)
		}
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	store, err := stores.open(ctx, log, false)
	if err != nil {
		return err
	}
	defer store.Close()
	f, err := os.Open(file)
	if err != nil {
		return notebook.Wrap(notebook.Invalid, err, "%v", err)
	}
	defer f.Close()
	stored, err := hub.AddRelease(ctx, store, info, f, "fieldhub", time.Now())
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(stored)
}

func releaseList(stores storeFlags, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	store, err := stores.open(ctx, log, false)
	if err != nil {
		return err
	}
	defer store.Close()
	list, err := hub.ListReleases(ctx, store)
	if list == nil {
		list = []syncproto.ReleaseInfo{}
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]any{"releases": list})
}

package main

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
)

// inviteCommand: fieldhub invite add|list|revoke, on a stopped hub's data
// dir or on PostgreSQL (while the hub runs on Badger use the admin API).
// add prints one JSON object with the link and the code, shown only then.
func inviteCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("invite "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	stores := addStoreFlags(fs, "data directory of a stopped hub")
	email := fs.String("email", "", "the invited person's email (add)")
	role := fs.String("role", "field", "field or product (add)")
	expires := fs.String("expires", "7d", "how long the invite is valid, e.g. 7d or 36h (add)")
	hubURL := fs.String("hub-url", "", "the hub's address as the app reaches it, e.g. https://hub.acme.com:8787 (add)")
	pinCert := fs.String("pin-cert", "", "PEM certificate of a hub with a self-signed certificate: the app pins it (add)")
	id := fs.String("id", "", "invite id (revoke)")
	if fs.Parse(args[1:]) != nil {
		return exitUsage
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	var opts hub.InviteOptions
	var ttl time.Duration
	if sub == "add" {
		var err error
		if ttl, err = hub.ParseInviteTTL(*expires); err != nil {
			return fail(stderr, err)
		}
		if *hubURL == "" {
			fmt.Fprintln(stderr, "fieldhub: invite add needs --hub-url, the address the app will sync with")
			return exitUsage
		}
		opts.HubURL = *hubURL
		if *pinCert != "" {
			if opts.CertSHA256, err = certFingerprint(*pinCert); err != nil {
				return fail(stderr, err)
			}
		}
	}
	store, err := stores.open(ctx, log, false)
	if err != nil {
		if notebook.IsCode(err, notebook.Conflict) && *stores.dir != "" {
			err = notebook.Errorf(notebook.Conflict, "%s; while the hub runs, manage invites through its admin API (/v1/admin/invites)", err.Error())
		}
		return fail(stderr, err)
	}
	defer store.Close()
	enc := json.NewEncoder(stdout)
	switch sub {
	case "add":
		inv, err := hub.CreateInvite(ctx, store, opts, *email, hubdb.Role(*role), ttl, "fieldhub", time.Now())
		if err != nil {
			return fail(stderr, err)
		}
		if err := enc.Encode(inv); err != nil {
			return fail(stderr, err)
		}
	case "list":
		list, err := hub.ListInvites(ctx, store)
		if err != nil {
			return fail(stderr, err)
		}
		if list == nil {
			list = []hub.InviteInfo{}
		}
		if err := enc.Encode(map[string]any{"invites": list}); err != nil {
			return fail(stderr, err)
		}
	case "revoke":
		if err := hub.RevokeInvite(ctx, store, *id, time.Now()); err != nil {
			return fail(stderr, err)
		}
		if err := enc.Encode(map[string]any{"id": *id, "revoked": true}); err != nil {
			return fail(stderr, err)
		}
	default:
		fmt.Fprintf(stderr, "fieldhub: unknown invite command %q\n%s", sub, usage)
		return exitUsage
	}
	return exitOK
}

// certFingerprint is the SHA-256 of the first certificate in a PEM file,
// the pin an invite carries.
func certFingerprint(path string) (string, error) {
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return "", notebook.Wrap(notebook.Invalid, err, "--pin-cert: %v", err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "CERTIFICATE" {
		return "", notebook.Errorf(notebook.Invalid, "--pin-cert %s: no PEM CERTIFICATE block", path)
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return "", notebook.Errorf(notebook.Invalid, "--pin-cert %s: %v", path, err)
	}
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:]), nil
}

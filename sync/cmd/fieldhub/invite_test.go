package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"fieldnotes/sync/syncproto"
)

// An invite made on the command line for a hub with a self-signed
// certificate pins it, and redeems over HTTPS with only that pin trusted.
func TestInviteCommandsWithPinnedCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, t.TempDir())
	code, out, errOut := runCLI(t, "invite", "add", "--data", dir, "--email", "ana@acme.com", "--role", "field",
		"--expires", "2d", "--hub-url", "https://127.0.0.1:1", "--pin-cert", certFile)
	if code != 0 {
		t.Fatalf("invite add: %d %s", code, errOut)
	}
	var inv struct{ ID, Link, Code, State string }
	if err := json.Unmarshal([]byte(out), &inv); err != nil || inv.State != "pending" {
		t.Fatalf("invite add printed %q: %v", out, err)
	}
	in, err := syncproto.ParseInvite(inv.Code)
	if err != nil || len(in.CertSHA256) != 64 {
		t.Fatalf("code %q: %+v %v", inv.Code, in, err)
	}
	if code, out, _ := runCLI(t, "invite", "list", "--data", dir); code != 0 || !strings.Contains(out, inv.ID) || strings.Contains(out, in.Secret) {
		t.Fatalf("list: %d %s", code, out)
	}

	hub := startHub(t, dir, "--tls-cert", certFile, "--tls-key", keyFile)
	pinned := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin check below, as the app does
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			sum := sha256.Sum256(raw[0])
			if hex.EncodeToString(sum[:]) != in.CertSHA256 {
				return errors.New("certificate does not match the invite's pin")
			}
			return nil
		}}}}
	body, _ := json.Marshal(syncproto.RedeemRequest{Secret: in.Secret})
	resp, err := pinned.Post(hub.URL+"/v1/invites/redeem", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got syncproto.RedeemResponse
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&got) != nil || got.Token == "" {
		t.Fatalf("redeem over the pinned connection: %d", resp.StatusCode)
	}

	for _, args := range [][]string{
		{"invite", "add", "--data", dir, "--email", "b@acme.com"}, // no --hub-url
		{"invite", "add", "--data", dir, "--email", "b@acme.com", "--hub-url", "https://h", "--expires", "x"},
		{"invite", "add", "--data", dir, "--email", "b@acme.com", "--hub-url", "https://h", "--pin-cert", keyFile},
		{"invite", "revoke", "--data", dir, "--id", "nope"},
		{"invite"},
	} {
		code, out, errOut := runCLI(t, args...)
		if code == 0 || out != "" || errOut == "" {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, code, out, errOut)
		}
	}
}

func TestVersionCommand(t *testing.T) {
	if code, out, _ := runCLI(t, "version"); code != 0 || out != "fieldhub "+Version+"\n" {
		t.Fatalf("version: %d %q", code, out)
	}
}

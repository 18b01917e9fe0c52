package syncclient_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// A real hub behind a self-signed certificate: the pinned invite redeems,
// a wrong pin is refused before anything is sent, a used invite is refused
// with the hub's words.
func TestRedeemPinsTheHubsCertificate(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	tlsHub := httptest.NewTLSServer(h.Server.Handler())
	defer tlsHub.Close()
	sum := sha256.Sum256(tlsHub.Certificate().Raw)
	pin := hex.EncodeToString(sum[:])
	ctx := context.Background()

	newInvite := func(email string) syncproto.Invite {
		inv, err := hub.CreateInvite(ctx, h.Store, hub.InviteOptions{HubURL: tlsHub.URL, CertSHA256: pin}, email, hubdb.RoleField, 0, "test", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		in, err := syncproto.ParseInvite(inv.Code)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}

	in := newInvite("ana@acme.com")
	wrong := in
	wrong.CertSHA256 = strings.Repeat("0", 64)
	_, err := syncclient.Redeem(ctx, wrong, "laptop")
	if err == nil || !strings.Contains(err.Error(), "not the one the invite pins") {
		t.Fatalf("wrong pin: %v", err)
	}
	got, err := syncclient.Redeem(ctx, in, "laptop")
	if err != nil || got.Token == "" || got.Email != "ana@acme.com" {
		t.Fatalf("redeem: %+v %v", got, err)
	}
	// The token works for sync over the pinned transport.
	wc := &synctest.WireClient{BaseURL: tlsHub.URL, Token: got.Token, ClientID: "c_join",
		HTTP: &http.Client{Transport: syncclient.PinnedTransport(pin)}}
	if _, rep, err := wc.Pull(ctx, "", 10, 0); err != nil || rep.Status != http.StatusOK {
		t.Fatalf("pull with the redeemed token: %v %d %s", err, rep.Status, rep.Body)
	}

	_, err = syncclient.Redeem(ctx, in, "laptop")
	var se *syncclient.Error
	if !errors.As(err, &se) || se.Kind != syncclient.KindInviteRefused || !strings.Contains(se.Message, "already used") {
		t.Fatalf("second redeem: %v", err)
	}
	// Without a pin the self-signed hub is not trusted.
	unpinned := newInvite("bo@acme.com")
	unpinned.CertSHA256 = ""
	if _, err := syncclient.Redeem(ctx, unpinned, "laptop"); !errors.As(err, &se) || se.Kind != syncclient.KindOffline || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("unpinned self-signed hub: %v", err)
	}
}

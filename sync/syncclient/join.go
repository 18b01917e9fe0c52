package syncclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncproto"
)

// KindInviteRefused means the hub refused the invite (used, expired, revoked,
// unknown); the message is the hub's and says what to do.
const KindInviteRefused Kind = "invite_refused"

// Redeem spends a one-time invite at its hub (POST /v1/invites/redeem) and
// returns the user and token the hub made. For an invite with a
// certificate pin the connection is trusted only when the hub presents
// exactly that certificate (and the system's CAs are not consulted): a
// self-signed hub is reachable, and nobody else can stand in for it.
// The hub's refusal (used, expired, revoked, unknown) comes back as an
// *Error with the hub's code and its message, which says what to do.
func Redeem(ctx context.Context, in syncproto.Invite, deviceName string) (syncproto.RedeemResponse, error) {
	body, _ := json.Marshal(syncproto.RedeemRequest{Secret: in.Secret, DeviceName: deviceName})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, in.HubURL+"/v1/invites/redeem", bytes.NewReader(body))
	if err != nil {
		return syncproto.RedeemResponse{}, &Error{Kind: KindProtocol, Message: fmt.Sprintf("invite: hub address %q: %v", in.HubURL, err)}
	}
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 30 * time.Second, Transport: PinnedTransport(in.CertSHA256)}
	resp, err := client.Do(req)
	if err != nil {
		return syncproto.RedeemResponse{}, &Error{Kind: KindOffline, Message: fmt.Sprintf("could not reach the hub at %s: %v", in.HubURL, err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return syncproto.RedeemResponse{}, &Error{Kind: KindOffline, Message: fmt.Sprintf("the hub at %s stopped answering: %v", in.HubURL, err)}
	}
	if resp.StatusCode != http.StatusOK {
		var eb syncproto.ErrorBody
		if json.Unmarshal(raw, &eb) != nil || eb.Message == "" {
			eb.Message = fmt.Sprintf("the hub at %s answered %s", in.HubURL, resp.Status)
		}
		return syncproto.RedeemResponse{}, &Error{Kind: KindInviteRefused, Status: resp.StatusCode, Message: eb.Message}
	}
	var out syncproto.RedeemResponse
	if err := json.Unmarshal(raw, &out); err != nil || out.Token == "" {
		return syncproto.RedeemResponse{}, &Error{Kind: KindProtocol, Message: fmt.Sprintf("the hub at %s sent an answer that is not an invite's", in.HubURL)}
	}
	return out, nil
}

// CheckCertPin says in words what is wrong with a certificate pin, or nil:
// the SHA-256 of the hub's certificate as 64 lowercase hex, as invites carry it.
func CheckCertPin(pin string) error {
	if b, err := hex.DecodeString(pin); err != nil || len(b) != sha256.Size || strings.ToLower(pin) != pin {
		return notebook.Errorf(notebook.Invalid, "certificate pin %q: want the certificate's SHA-256 as 64 lowercase hex digits", pin)
	}
	return nil
}

// pinMismatch is a hub presenting another certificate than the pinned one.
type pinMismatch struct{ got, want string }

func (p *pinMismatch) Error() string {
	return fmt.Sprintf("the hub's certificate (SHA-256 %s…) is not the one the invite pins (%s…): someone may be in between", p.got[:16], p.want[:16])
}

// PinnedTransport is an HTTP transport that, for certSHA256 != "", accepts
// only the TLS certificate with that SHA-256 (hex); "" gives the ordinary
// transport (system CAs).
func PinnedTransport(certSHA256 string) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if certSHA256 == "" {
		return tr
	}
	tr.TLSClientConfig = &tls.Config{
		// The chain is not checked against CAs: the pin below is the check,
		// and it is stricter (one certificate, not any a CA signed).
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return fmt.Errorf("the hub sent no certificate")
			}
			sum := sha256.Sum256(raw[0])
			if got := hex.EncodeToString(sum[:]); got != certSHA256 {
				return &pinMismatch{got: got, want: certSHA256}
			}
			return nil
		},
	}
	return tr
}

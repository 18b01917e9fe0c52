package syncclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"fieldnotes/sync/syncproto"
)

// KindSignInRefused is the hub refusing a single sign-on (the ID token
// failed a check, the email is not verified, the domain may not sign up);
// the message is the hub's and says which.
const KindSignInRefused Kind = "sign_in_refused"

// OIDCConfig asks the hub whether it offers single sign-on and with which
// provider (GET /v1/auth/oidc/config, no token). certSHA256 is the hub's
// certificate pin, or "" for the system's CAs (PinnedTransport).
func OIDCConfig(ctx context.Context, hubURL, certSHA256 string) (syncproto.OIDCConfig, error) {
	var out syncproto.OIDCConfig
	err := hubJSON(ctx, http.MethodGet, hubURL, certSHA256, "/v1/auth/oidc/config", nil, &out)
	return out, err
}

// SignInWithIDToken trades a provider's ID token for the hub's own token
// (POST /v1/auth/oidc); the answer is an invite's.
func SignInWithIDToken(ctx context.Context, hubURL, certSHA256 string, req syncproto.OIDCSignInRequest) (syncproto.RedeemResponse, error) {
	var out syncproto.RedeemResponse
	if err := hubJSON(ctx, http.MethodPost, hubURL, certSHA256, "/v1/auth/oidc", req, &out); err != nil {
		return out, err
	}
	if out.Token == "" {
		return out, &Error{Kind: KindProtocol, Message: fmt.Sprintf("the hub at %s answered the sign-in without a token", hubURL)}
	}
	return out, nil
}

// hubJSON makes one unauthenticated JSON request; a refusal is an *Error
// of KindSignInRefused with the hub's status and message.
func hubJSON(ctx context.Context, method, hubURL, certSHA256, path string, in, out any) error {
	hubURL = strings.TrimRight(hubURL, "/")
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, hubURL+path, body)
	if err != nil {
		return &Error{Kind: KindProtocol, Message: fmt.Sprintf("hub address %q: %v", hubURL, err)}
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: PinnedTransport(certSHA256)}
	resp, err := client.Do(req)
	if err != nil {
		return &Error{Kind: KindOffline, Message: fmt.Sprintf("could not reach the hub at %s: %v", hubURL, err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return &Error{Kind: KindOffline, Message: fmt.Sprintf("the hub at %s stopped answering: %v", hubURL, err)}
	}
	if resp.StatusCode != http.StatusOK {
		var eb syncproto.ErrorBody
		if json.Unmarshal(raw, &eb) != nil || eb.Message == "" {
			eb.Message = fmt.Sprintf("the hub at %s answered %s", hubURL, resp.Status)
		}
		return &Error{Kind: KindSignInRefused, Status: resp.StatusCode, Message: eb.Message}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Kind: KindProtocol, Message: fmt.Sprintf("the hub at %s sent an answer that is not JSON", hubURL)}
	}
	return nil
}

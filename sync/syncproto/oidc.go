package syncproto

// OIDCConfig is GET /v1/auth/oidc/config (no token needed): whether the
// hub signs people in with the company's OpenID Provider, and which one,
// so the app needs nothing but the hub's address.
type OIDCConfig struct {
	Enabled  bool   `json:"enabled"`
	Issuer   string `json:"issuer,omitempty"`
	ClientID string `json:"client_id,omitempty"`
}

// OIDCSignInRequest is the body of POST /v1/auth/oidc: the ID token the
// app got from the provider (authorization code + PKCE) and the nonce it
// put in that authorization request. The answer is a RedeemResponse: the
// user and the hub's own token, as for an invite.
type OIDCSignInRequest struct {
	IDToken    string `json:"id_token"`
	Nonce      string `json:"nonce"`
	DeviceName string `json:"device_name,omitempty"`
}

// MaxOIDCSignInBytes bounds that body (an ID token is at most 16 KB).
const MaxOIDCSignInBytes = 32 << 10

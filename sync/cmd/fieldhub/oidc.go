package main

import (
	"flag"
	"os"
	"strings"

	"fieldnotes/sync/hub"
)

// oidcFlags are fieldhub serve's single sign-on settings (sync/hub/oidc.go).
// Each has an environment variable, for a systemd unit's EnvironmentFile.
type oidcFlags struct{ issuer, clientID, domains *string }

func addOIDCFlags(fs *flag.FlagSet) oidcFlags {
	return oidcFlags{
		issuer:   fs.String("oidc-issuer", os.Getenv("FIELDHUB_OIDC_ISSUER"), "single sign-on: the company's OpenID Provider, e.g. https://login.acme.com ($FIELDHUB_OIDC_ISSUER)"),
		clientID: fs.String("oidc-client-id", os.Getenv("FIELDHUB_OIDC_CLIENT_ID"), "single sign-on: the client id registered there for Fieldnotes, a native app with redirect http://127.0.0.1/callback ($FIELDHUB_OIDC_CLIENT_ID)"),
		domains:  fs.String("oidc-allowed-domains", os.Getenv("FIELDHUB_OIDC_ALLOWED_DOMAINS"), "single sign-on: comma-separated email domains whose people become field users at their first sign-in; others need an invite ($FIELDHUB_OIDC_ALLOWED_DOMAINS)"),
	}
}

func (f oidcFlags) options() hub.OIDCOptions {
	var domains []string
	for _, d := range strings.Split(*f.domains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			domains = append(domains, d)
		}
	}
	return hub.OIDCOptions{Issuer: strings.TrimSpace(*f.issuer), ClientID: strings.TrimSpace(*f.clientID), AllowedDomains: domains}
}

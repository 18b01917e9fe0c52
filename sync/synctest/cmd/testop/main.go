// Command testop runs the test OpenID Provider (sync/synctest/testop) as a
// process, for the browser tests (e2e/tests/signin.spec.ts): a real
// provider on 127.0.0.1 that the Playwright browser signs in at. Never for
// production: its users and passwords come from the command line.
//
//	testop --client-id fieldnotes --user ana:pw:ana@acme.example:verified [--user …]
//
// It prints {"msg":"listening","issuer":"http://127.0.0.1:PORT"} on stderr.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"fieldnotes/sync/synctest/testop"
)

type users []testop.User

func (u *users) String() string { return fmt.Sprint(len(*u)) }
func (u *users) Set(s string) error {
	p := strings.Split(s, ":")
	if len(p) != 4 {
		return fmt.Errorf("--user %q: want name:password:email:verified|unverified", s)
	}
	*u = append(*u, testop.User{Username: p[0], Password: p[1], Email: p[2], EmailVerified: p[3] == "verified"})
	return nil
}

func main() {
	var us users
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	client := flag.String("client-id", "fieldnotes", "comma-separated native client ids")
	flag.Var(&us, "user", "name:password:email:verified|unverified (repeat)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testop:", err)
		os.Exit(1)
	}
	issuer := "http://" + ln.Addr().String()
	h := testop.Handler(issuer, testop.Options{Users: us, ClientIDs: strings.Split(*client, ",")})
	line, _ := json.Marshal(map[string]string{"msg": "listening", "issuer": issuer})
	fmt.Fprintln(os.Stderr, string(line))
	if err := http.Serve(ln, h); err != nil {
		fmt.Fprintln(os.Stderr, "testop:", err)
		os.Exit(1)
	}
}

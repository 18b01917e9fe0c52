// Command imapfixture is a real IMAP server for the e2e suite
// (e2e/tests/mail.spec.ts builds and runs it): imaptest's in-memory server
// (go-imap's imapmemserver) on 127.0.0.1 with INBOX and Sent and a
// few messages, relevant or not to the account named on the command line.
// It prints {"addr","user","password"} on one line and serves until its
// standard input closes (the test ends) or it is killed.
//
//	go run . -domain acme.com -contact ana@acme.com
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"fieldnotes/app/imapsync/imaptest"
)

const user = imaptest.MemUser

func main() {
	domain := flag.String("domain", "acme.com", "a known account's domain")
	contact := flag.String("contact", "", "a known contact's address (default: dana@<domain>)")
	flag.Parse()
	if *contact == "" {
		*contact = "dana@" + *domain
	}

	srv, err := imaptest.NewMemServer(imaptest.MemOptions{FreshUIDValidity: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range messages(*domain, *contact) {
		if err := srv.Append(m.folder, []byte(m.raw), m.at); err != nil {
			log.Fatal(err)
		}
	}
	out, err := json.Marshal(map[string]string{"addr": srv.Addr, "user": srv.Username, "password": srv.Password})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))
	_, _ = io.Copy(io.Discard, os.Stdin) // until the test closes our stdin (or it fails: either way, stop)
	if err := srv.Close(); err != nil {
		log.Print(err)
	}
}

type message struct {
	folder, raw string
	at          time.Time
}

func messages(domain, contact string) []message {
	now := time.Now().UTC().Truncate(time.Minute)
	crlf := func(s string) string { return strings.ReplaceAll(strings.TrimPrefix(s, "\n"), "\n", "\r\n") }
	date := func(t time.Time) string { return t.Format(time.RFC1123Z) }
	return []message{
		{folder: "INBOX", at: now.Add(-2 * time.Hour), raw: crlf(fmt.Sprintf(`
From: Dana Customer <%s>
To: Rep <%s>
Subject: Month-end close pain
Date: %s
Message-ID: <close-1@%s>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset=utf-8

Our month-end close takes nine days because of manual matching. See https://%s/roadmap

--b2
Content-Type: text/html; charset=utf-8

<html><body><p>Our month-end close takes <b>nine days</b> because of manual matching.</p>
<script>alert('xss')</script><img src="https://tracker.example/pixel.png" width="1" height="1">
<p><a href="https://%s/roadmap">Our roadmap</a></p></body></html>

--b2--

--b1
Content-Type: application/pdf; name="close-report.pdf"
Content-Disposition: attachment; filename="close-report.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK

--b1--
`, contact, user, date(now.Add(-2*time.Hour)), domain, domain, domain))},
		{folder: "INBOX", at: now.Add(-1 * time.Hour), raw: crlf(fmt.Sprintf(`
From: ops@eu.%s
To: %s
Subject: Invoice approvals
Date: %s
Message-ID: <approvals-1@eu.%s>
Content-Type: text/plain; charset=utf-8

Approvals wait for days when the approver travels.
`, domain, user, date(now.Add(-1*time.Hour)), domain))},
		{folder: "INBOX", at: now.Add(-30 * time.Minute), raw: crlf(fmt.Sprintf(`
From: "%s via Helpdesk" <noreply@helpdesk.example>
To: %s
Subject: Your newsletter
Date: %s
Message-ID: <news-1@helpdesk.example>
Content-Type: text/plain; charset=utf-8

Not about any account.
`, contact, user, date(now.Add(-30*time.Minute))))},
		{folder: "Sent", at: now.Add(-90 * time.Minute), raw: crlf(fmt.Sprintf(`
From: Rep <%s>
To: %s
Subject: Re: Month-end close pain
Date: %s
Message-ID: <reply-1@myco.example>
Content-Type: text/plain; charset=utf-8

Thanks Dana, let's talk on Thursday.
`, user, contact, date(now.Add(-90*time.Minute))))},
	}
}

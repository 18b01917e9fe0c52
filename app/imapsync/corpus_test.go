package imapsync

import (
	"encoding/base64"
	"fmt"
	"math/rand"
	"mime"
	"strings"
	"time"

	"fieldnotes/app/notebook"
)

// The test directory: three customer accounts and two contacts (one at a
// free-mail domain, matched by address only).
var testDirectory = StaticDirectory{
	AccountList: []notebook.Account{
		{ID: "acc-acme", Name: "Acme", Domains: []string{"acme.com"}},
		{ID: "acc-globex", Name: "Globex", Domains: []string{"globex.io"}},
		{ID: "acc-initech", Name: "Initech", Domains: []string{"initech.com"}},
	},
	ContactList: []notebook.Contact{
		{ID: "con-ana", Email: "ana@acme.com", AccountID: "acc-acme"},
		{ID: "con-zoe", Email: "zoe@gmail.com", AccountID: "acc-globex"},
	},
}

// corpusMessage is one generated message and what must become of it.
type corpusMessage struct {
	name     string
	folder   string
	raw      []byte
	relevant bool
	// checks on the parsed result
	subject    string // expected decoded subject ("" = don't check)
	wantText   string // substring of the text
	wantHTML   bool
	attachment string // name of an attachment that must be listed
	// imapmemserver serves nothing (not even BODY[]) of a message whose
	// header does not parse; Dovecot does. Such cases run against Dovecot.
	notOnMemServer bool
}

const crlf = "\r\n"

func msg(headers []string, body string) []byte {
	return []byte(strings.Join(headers, crlf) + crlf + crlf + strings.ReplaceAll(body, "\n", crlf))
}

func date(i int) string {
	return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour).Format(time.RFC1123Z)
}

// nastyCorpus is the hand-written set of hard cases.
func nastyCorpus() []corpusMessage {
	big := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(big)
	bigB64 := wrap76(base64.StdEncoding.EncodeToString(big))
	return []corpusMessage{
		{name: "plain from contact", folder: "INBOX", relevant: true, subject: "Pricing question", wantText: "what would the enterprise tier cost",
			raw: msg([]string{"From: Ana Lopez <ana@acme.com>", "To: rep@myco.example", "Subject: Pricing question", "Date: " + date(1), "Message-ID: <c1@acme.com>", "Content-Type: text/plain; charset=utf-8"},
				"Hi,\nwhat would the enterprise tier cost for 40 seats?\n\n> quoted old text\n-- \nAna")},
		{name: "multipart alternative", folder: "INBOX", relevant: true, subject: "Roadmap", wantText: "export to CSV", wantHTML: true,
			raw: msg([]string{"From: bob@acme.com", "To: rep@myco.example", "Subject: Roadmap", "Date: " + date(2), "Message-ID: <c2@acme.com>", "MIME-Version: 1.0", `Content-Type: multipart/alternative; boundary="b1"`},
				"--b1\nContent-Type: text/plain; charset=utf-8\n\nWe really need export to CSV.\n--b1\nContent-Type: text/html; charset=utf-8\n\n<p onclick=\"x()\">We really need <b>export to CSV</b>.<script>alert(1)</script><img src=\"https://tracker.example/p.gif\"></p>\n--b1--")},
		{name: "large attachment, subdomain", folder: "INBOX", relevant: true, subject: "Contract", wantText: "signed contract", attachment: "contract.pdf",
			raw: msg([]string{"From: Carol <carol@eu.acme.com>", "To: rep@myco.example", "Subject: Contract", "Date: " + date(3), "Message-ID: <c3@eu.acme.com>", "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="m1"`},
				"--m1\nContent-Type: text/plain\n\nAttached the signed contract.\n--m1\nContent-Type: application/pdf; name=\"contract.pdf\"\nContent-Disposition: attachment; filename=\"contract.pdf\"\nContent-Transfer-Encoding: base64\n\n"+bigB64+"\n--m1--")},
		{name: "rfc2047 subject", folder: "INBOX", relevant: true, subject: "Réunion — prix 💶 für Q3", wantText: "Grüße",
			raw: msg([]string{"From: =?ISO-8859-1?Q?Dani=E8le?= <dani@globex.io>", "To: rep@myco.example", "Subject: " + mime.BEncoding.Encode("UTF-8", "Réunion — prix 💶 ") + " =?ISO-8859-1?Q?f=FCr_Q3?=", "Date: " + date(4), "Message-ID: <c4@globex.io>", "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"},
				"Viele Gr=FC=DFe")},
		{name: "from without angle brackets, malformed headers", folder: "INBOX", relevant: true, wantText: "budget owner",
			raw: msg([]string{"From: Eve Smith eve@initech.com", "To: rep@myco.example", "Subject: budget", "Date: yesterday-ish", "Message-ID: <c5@initech.com>", "Content-Type: text/plain; charset=\"utf-8"},
				"The budget owner is our CFO.")},
		{name: "header line without colon", folder: "INBOX", relevant: true, wantText: "still readable", notOnMemServer: true,
			raw: msg([]string{"From: Ana <ana@acme.com>", "X-Broken-Header-Without-Colon", "To: rep@myco.example", "Subject: broken header", "Date: " + date(5), "Message-ID: <c5b@acme.com>"},
				"This message is still readable.")},
		{name: "invalid utf-8", folder: "INBOX", relevant: true, wantText: "caf",
			raw: msg([]string{"From: ana@acme.com", "To: rep@myco.example", "Subject: caf\xe9 \xff\xfe", "Date: " + date(6), "Message-ID: <c6@acme.com>", "Content-Type: text/plain; charset=utf-8"},
				"Meet at the caf\xe9 \xc3\x28 at 10\x00.")},
		{name: "helpdesk relay naming customer in display name", folder: "INBOX", relevant: false,
			raw: msg([]string{`From: "ana@acme.com via Helpdesk" <support@helpdesk.example>`, "Reply-To: support+123@helpdesk.example", "To: rep@myco.example", "Subject: [Ticket 123] Acme issue", "Date: " + date(7), "Message-ID: <c7@helpdesk.example>"},
				"Ana from Acme wrote a ticket.")},
		{name: "unquoted relay display name", folder: "INBOX", relevant: false,
			raw: msg([]string{`From: ana@acme.com via Desk <desk@relay.example>`, "To: rep@myco.example", "Subject: relay 2", "Date: " + date(8), "Message-ID: <c8@relay.example>"},
				"relay")},
		{name: "lookalike domain", folder: "INBOX", relevant: false,
			raw: msg([]string{"From: spam@notacme.com", "To: rep@myco.example", "Subject: not acme", "Date: " + date(9), "Message-ID: <c9@notacme.com>"}, "no")},
		{name: "newsletter", folder: "INBOX", relevant: false,
			raw: msg([]string{"From: News <news@shop.example>", "To: rep@myco.example", "Subject: Sale", "Date: " + date(10), "Message-ID: <c10@shop.example>"}, "buy")},
		{name: "contact at free-mail domain, cc", folder: "INBOX", relevant: true, wantText: "intro",
			raw: msg([]string{"From: someone@else.example", "To: rep@myco.example", "Cc: Zoe <zoe@gmail.com>", "Subject: intro", "Date: " + date(11), "Message-ID: <c11@else.example>"}, "quick intro")},
		{name: "no message-id, koi8-r", folder: "INBOX", relevant: true, wantText: "Привет",
			raw: msg([]string{"From: ivan@globex.io", "To: rep@myco.example", "Subject: =?KOI8-R?B?8NLJ18XU?=", "Date: " + date(12), "Content-Type: text/plain; charset=koi8-r"},
				"\xf0\xd2\xc9\xd7\xc5\xd4, world")},
		{name: "sent to customer", folder: "Sent", relevant: true, wantText: "proposal",
			raw: msg([]string{"From: Rep <rep@myco.example>", "To: ana@acme.com", "Subject: proposal", "Date: " + date(13), "Message-ID: <s1@myco.example>"}, "Here is the proposal.")},
		{name: "sent with the customer only in Bcc", folder: "Sent", relevant: true, wantText: "blind",
			raw: msg([]string{"From: Rep <rep@myco.example>", "To: partner@else.example", "Bcc: ana@acme.com", "Subject: bcc", "Date: " + date(15), "Message-ID: <s2@myco.example>"}, "blind copy to Acme")},
		{name: "recipient without angle brackets", folder: "INBOX", relevant: true, wantText: "unbracketed",
			raw: msg([]string{"From: partner@else.example", "To: Ana Lopez ana@acme.com", "Subject: to", "Date: " + date(16), "Message-ID: <c16@else.example>"}, "unbracketed recipient")},
		{name: "same message in sent and inbox", folder: "Sent", relevant: true,
			raw: msg([]string{"From: ana@acme.com", "To: rep@myco.example", "Subject: Pricing question", "Date: " + date(1), "Message-ID: <c1@acme.com>", "Content-Type: text/plain; charset=utf-8"}, "dup")},
		{name: "broken multipart", folder: "INBOX", relevant: true, wantText: "text without a closing boundary",
			raw: msg([]string{"From: ana@acme.com", "To: rep@myco.example", "Subject: broken", "Date: " + date(14), "Message-ID: <c14@acme.com>", `Content-Type: multipart/mixed; boundary="never"`},
				"--nope\nContent-Type: text/plain\n\ntext without a closing boundary")},
	}
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// bulkMessage generates the i-th message of a big mailbox: every fifth is
// from a customer (so 10,000 messages hold 2,000 relevant ones), half of
// them multipart/alternative.
func bulkMessage(i int) []byte {
	from := fmt.Sprintf("News %d <news%d@newsletter.example>", i, i%97)
	if i%5 == 0 {
		from = fmt.Sprintf("Buyer %d <buyer%d@acme.com>", i, i%50)
	}
	h := []string{"From: " + from, "To: rep@myco.example", fmt.Sprintf("Subject: Message number %d about the roadmap", i),
		"Date: " + date(i), fmt.Sprintf("Message-ID: <bulk-%d@example.test>", i), "MIME-Version: 1.0"}
	para := strings.Repeat(fmt.Sprintf("Line %d of a fairly ordinary business email body. ", i), 20)
	if i%2 == 0 {
		return msg(append(h, "Content-Type: text/plain; charset=utf-8"), para)
	}
	return msg(append(h, `Content-Type: multipart/alternative; boundary="alt"`),
		"--alt\nContent-Type: text/plain; charset=utf-8\n\n"+para+"\n--alt\nContent-Type: text/html; charset=utf-8\n\n<html><body><p style=\"color:#333\">"+para+"</p><img src=\"https://t.example/open.gif\"></body></html>\n--alt--")
}

func countRelevantBulk(n int) int { return (n + 4) / 5 }

package imapsync

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCorpus(t *testing.T) {
	for _, cm := range nastyCorpus() {
		t.Run(cm.name, func(t *testing.T) {
			p, err := ParseMessage(bytes.NewReader(cm.raw))
			if err != nil {
				t.Fatalf("ParseMessage: %v", err)
			}
			assertValidUTF8(t, p)
			if cm.subject != "" && p.Subject != cm.subject {
				t.Errorf("subject = %q, want %q", p.Subject, cm.subject)
			}
			if !strings.Contains(p.Text, cm.wantText) {
				t.Errorf("text %q does not contain %q", p.Text, cm.wantText)
			}
			if cm.wantHTML && p.HTML == "" {
				t.Errorf("no HTML kept")
			}
			if strings.Contains(p.HTML, "script") || strings.Contains(p.HTML, "onclick") || strings.Contains(p.HTML, "tracker.example") {
				t.Errorf("unsafe HTML survived: %s", p.HTML)
			}
			if cm.attachment != "" {
				found := false
				for _, a := range p.Attachments {
					if a.Name == cm.attachment {
						found = true
						if a.Size < 1<<20 || a.ContentType != "application/pdf" {
							t.Errorf("attachment %+v: want 1 MiB application/pdf", a)
						}
					}
				}
				if !found {
					t.Errorf("attachment %q not listed in %+v", cm.attachment, p.Attachments)
				}
			}
			if p.MessageID == "" && cm.name != "no message-id, koi8-r" {
				t.Errorf("lost the Message-ID")
			}
		})
	}
}

func TestParseDegradesGracefully(t *testing.T) {
	cases := map[string]string{
		"empty":            "",
		"only garbage":     "\x00\x01\x02 not a message at all \xff",
		"header no body":   "Subject: hi",
		"endless header":   "X: " + strings.Repeat("a", 200000),
		"bad encoding":     "Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
		"bad qp":           "Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n",
		"unknown charset":  "Content-Type: text/plain; charset=x-klingon\r\n\r\nqapla'",
		"nested multipart": "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n\r\ninner\r\n--b--\r\n--a--\r\n",
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := ParseMessage(strings.NewReader(raw))
			if err != nil {
				t.Fatalf("ParseMessage: %v", err)
			}
			assertValidUTF8(t, p)
		})
	}
	p, _ := ParseMessage(strings.NewReader("Content-Type: text/plain; charset=x-klingon\r\n\r\nqapla'"))
	if !strings.Contains(p.Text, "qapla") {
		t.Errorf("unknown charset dropped the text: %q", p.Text)
	}
}

func TestExcerptCutsQuotesAndSignature(t *testing.T) {
	got := excerpt("Hello there,\n\nOn Mon, Ana wrote:\n> old\n> older\nNew line\n-- \nsig", 100)
	if got != "Hello there, New line" {
		t.Errorf("excerpt = %q", got)
	}
	long := excerpt(strings.Repeat("word ", 500), 50)
	if utf8.RuneCountInString(long) > 51 || !strings.HasSuffix(long, "…") {
		t.Errorf("long excerpt = %q", long)
	}
}

func TestLenientAddresses(t *testing.T) {
	cases := map[string][]string{
		"Eve Smith eve@initech.com":                         {"eve@initech.com"},
		`"ana@acme.com via Helpdesk" <support@helpdesk.io>`: {"support@helpdesk.io"},
		`ana@acme.com via Desk <desk@relay.example>`:        {"desk@relay.example"},
		"Bob <BOB@Acme.COM>, carol@eu.acme.com":             {"bob@acme.com", "carol@eu.acme.com"},
		"(comment ana@acme.com) x@y.example":                {"x@y.example"},
		"undisclosed-recipients:;":                          nil,
	}
	for in, want := range cases {
		got := LenientAddresses(in)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("LenientAddresses(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestMatcherRelevance(t *testing.T) {
	m, err := NewMatcher(t.Context(), testDirectory)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		addrs   []string
		want    bool
		account string
	}{
		{[]string{"ana@acme.com"}, true, "acc-acme"},
		{[]string{"x@eu.mail.acme.com"}, true, "acc-acme"},
		{[]string{"x@notacme.com"}, false, ""},
		{[]string{"x@acme.com.evil.example"}, false, ""},
		{[]string{"ZOE@gmail.com"}, true, "acc-globex"},
		{[]string{"other@gmail.com"}, false, ""},
		{[]string{"not an address", ""}, false, ""},
	}
	for _, c := range cases {
		match, ok := m.Relevant(c.addrs)
		if ok != c.want || match.AccountID != c.account {
			t.Errorf("Relevant(%v) = %v %+v, want %v %s", c.addrs, ok, match, c.want, c.account)
		}
	}
}

func assertValidUTF8(t *testing.T, p Parsed) {
	t.Helper()
	for _, s := range append([]string{p.Subject, p.Text, p.HTML, p.MessageID, p.FromName, p.Excerpt()}, append(p.From, p.To...)...) {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 in %q", s)
		}
	}
	for _, a := range p.Attachments {
		if !utf8.ValidString(a.Name) || !utf8.ValidString(a.ContentType) {
			t.Errorf("invalid UTF-8 in attachment %+v", a)
		}
	}
}

func FuzzParseMessage(f *testing.F) {
	for _, cm := range nastyCorpus() {
		if len(cm.raw) < 64<<10 {
			f.Add(cm.raw)
		}
	}
	f.Add(bulkMessage(1))
	f.Add([]byte("From: a\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\n--x--"))
	m, _ := NewMatcher(f.Context(), testDirectory)
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := ParseMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("ParseMessage on an in-memory reader must not fail: %v", err)
		}
		assertValidUTF8(t, p)
		sm := Summary{UID: 1, MessageID: p.MessageID}
		if sm.MessageID == "" {
			sm.MessageID = syntheticMessageID(string(raw))
		}
		e := toEmail(sm, p, m)
		if err := e.Validate(); err != nil {
			t.Fatalf("record from fuzzed message is invalid: %v", err)
		}
	})
}

func TestBrokenMultipartKeepsTheText(t *testing.T) {
	for _, raw := range []string{
		"From: a@b.co\r\nContent-Type: multipart/mixed; boundary=\"never\"\r\n\r\n--nope\r\n\r\nthe words matter",
		"From: a@b.co\r\nContent-Type: multipart/mixed\r\n\r\nthe words matter",
	} {
		p, err := ParseMessage(strings.NewReader(raw))
		if err != nil || !strings.Contains(p.Text, "the words matter") || len(p.Problems) == 0 {
			t.Errorf("broken multipart dropped its text: %q %v %v", p.Text, p.Problems, err)
		}
	}
}

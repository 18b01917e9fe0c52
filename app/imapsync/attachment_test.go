package imapsync

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestFetchAttachmentOnDemand(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.appendCorpus(t)
	mb := NewMemMailbox()
	if _, err := PullOnce(t.Context(), srv.settings(), testDirectory, mb, nil); err != nil {
		t.Fatal(err)
	}
	id := EmailID("c3@eu.acme.com")
	body, err := GetBody(t.Context(), mb, id)
	if err != nil || len(body.Attachments) != 1 {
		t.Fatalf("body %+v %v", body, err)
	}
	att, data, err := FetchAttachment(t.Context(), srv.settings(), mb, id, body.Attachments[0].Index)
	if err != nil {
		t.Fatal(err)
	}
	if att.Name != "contract.pdf" || int64(len(data)) != body.Attachments[0].Size {
		t.Errorf("attachment %+v, %d bytes; want contract.pdf of %d bytes", att, len(data), body.Attachments[0].Size)
	}
	for _, cm := range nastyCorpus() {
		if strings.Contains(cm.name, "large attachment") {
			raw := string(cm.raw)
			start := strings.Index(raw, "base64\r\n\r\n") + len("base64\r\n\r\n")
			want, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(raw[start:strings.LastIndex(raw, "\r\n--m1--")], "\r\n", ""))
			if !bytes.Equal(want, data) {
				t.Errorf("attachment content differs (%d vs %d bytes)", len(want), len(data))
			}
		}
	}
	if _, _, err := FetchAttachment(t.Context(), srv.settings(), mb, id, 99); err == nil {
		t.Errorf("missing attachment index returned no error")
	}
}

func TestXOAuth2InitialResponse(t *testing.T) {
	mech, ir, err := (&xoauth2Client{user: "rep@myco.example", token: "tok"}).Start()
	if err != nil || mech != "XOAUTH2" || string(ir) != "user=rep@myco.example\x01auth=Bearer tok\x01\x01" {
		t.Errorf("XOAUTH2 start = %s %q %v", mech, ir, err)
	}
}

func TestInlineImagesBecomeDataURIs(t *testing.T) {
	srv := startMemServer(t, nil)
	png := []byte("\x89PNG\r\n\x1a\nfake-png-bytes")
	raw := msg([]string{"From: ana@acme.com", "To: rep@myco.example", "Subject: logo", "Message-ID: <logo1@acme.com>", "MIME-Version: 1.0", `Content-Type: multipart/related; boundary="rel"`},
		"--rel\nContent-Type: text/html; charset=utf-8\n\n<p>Our logo: <img src=\"cid:logo@acme\" alt=\"logo\"><img src=\"cid:evil\"></p>\n"+
			"--rel\nContent-Type: image/png\nContent-ID: <logo@acme>\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\n"+base64.StdEncoding.EncodeToString(png)+"\n"+
			"--rel\nContent-Type: image/svg+xml\nContent-ID: <evil>\n\n<svg onload=\"alert(1)\"/>\n--rel--")
	srv.Deliver(t, "INBOX", raw)
	mb := NewMemMailbox()
	if _, err := PullOnce(t.Context(), srv.settings(), testDirectory, mb, nil); err != nil {
		t.Fatal(err)
	}
	id := EmailID("logo1@acme.com")
	body, err := GetBody(t.Context(), mb, id)
	if err != nil {
		t.Fatal(err)
	}
	html, err := InlineImages(t.Context(), srv.settings(), mb, id, body.HTML)
	if err != nil {
		t.Fatal(err)
	}
	want := `src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(png) + `"`
	if !strings.Contains(html, want) {
		t.Errorf("inline PNG not embedded: %s", html)
	}
	if strings.Contains(html, "svg") || !strings.Contains(html, `src="cid:evil"`) {
		t.Errorf("an SVG part must never be inlined: %s", html)
	}
	assertInert(t, html)
}

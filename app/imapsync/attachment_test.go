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

package syncproto_test

import (
	"errors"
	"strings"
	"testing"

	"fieldnotes/sync/syncproto"
)

var sampleInvite = syncproto.Invite{
	HubURL:     "https://hub.acme.com:8787",
	Secret:     "inv_0123456789abcdefghijKLMNOP",
	CertSHA256: strings.Repeat("ab", 32),
}

func TestInviteLinkAndCodeRoundTrip(t *testing.T) {
	for _, in := range []syncproto.Invite{sampleInvite, {HubURL: "http://127.0.0.1:1234", Secret: "inv_0123456789abcdef"}} {
		for _, text := range []string{in.Link(), in.Code(), "  <" + in.Link() + ">\n"} {
			got, err := syncproto.ParseInvite(text)
			if err != nil {
				t.Fatalf("ParseInvite(%q): %v", text, err)
			}
			if got != in {
				t.Fatalf("ParseInvite(%q) = %+v, want %+v", text, got, in)
			}
		}
	}
	if !strings.HasPrefix(sampleInvite.Link(), "fieldnotes://join?") {
		t.Fatalf("link %q", sampleInvite.Link())
	}
}

func TestParseInviteSaysWhatIsWrong(t *testing.T) {
	damaged := sampleInvite.Code()
	damaged = damaged[:len(damaged)-7]
	for _, c := range []struct{ in, want string }{
		{"", "neither a fieldnotes://join link nor a code"},
		{"https://hub.acme.com", "neither"},
		{"fieldnotes://open?hub=https://h&secret=inv_0123456789abcdef", "not a fieldnotes://join link"},
		{"fieldnotes://join?hub=ftp://h&secret=inv_0123456789abcdef", `hub "ftp://h"`},
		{"fieldnotes://join?hub=https://u:p@h&secret=inv_0123456789abcdef", "hub"},
		{"fieldnotes://join?hub=https://h&secret=short", "secret is missing or damaged"},
		{"fieldnotes://join?hub=https://h", "secret is missing"},
		{"fieldnotes://join?hub=https://h&secret=inv_0123456789abcdef&pin=md5:00", "pin"},
		{"fieldnotes://join?hub=https://h&secret=inv_0123456789abcdef&pin=sha256:00", "64 lowercase hex"},
		{damaged, "damaged"},
		{"FN1-!!!", "damaged"},
		{strings.Repeat("x", syncproto.MaxInviteBytes+1), "at most"},
	} {
		_, err := syncproto.ParseInvite(c.in)
		var pe *syncproto.Error
		if !errors.As(err, &pe) || pe.Code != syncproto.CodeInvalid || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseInvite(%.60q) = %v, want an invalid error containing %q", c.in, err, c.want)
		}
	}
}

func FuzzParseInvite(f *testing.F) {
	f.Add(sampleInvite.Link())
	f.Add(sampleInvite.Code())
	f.Add("fieldnotes://join?hub=%zz")
	f.Add("FN1-e30")
	f.Fuzz(func(t *testing.T, s string) {
		in, err := syncproto.ParseInvite(s)
		if err != nil {
			var pe *syncproto.Error
			if !errors.As(err, &pe) || pe.Code != syncproto.CodeInvalid {
				t.Fatalf("error without code invalid: %v", err)
			}
			return
		}
		// Whatever parses survives both encodings unchanged.
		for _, text := range []string{in.Link(), in.Code()} {
			again, err := syncproto.ParseInvite(text)
			if err != nil || again != in {
				t.Fatalf("%+v → %q → %+v, %v", in, text, again, err)
			}
		}
	})
}

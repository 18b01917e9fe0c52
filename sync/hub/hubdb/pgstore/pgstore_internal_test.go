package pgstore

import "testing"

func TestRedactHidesThePassword(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://hub:s3cret@db:5432/fieldhub?sslmode=require": "postgres://hub:***@db:5432/fieldhub?sslmode=require",
		"postgres://hub@db/fieldhub":                             "postgres://hub:***@db/fieldhub",
		"postgres://db/fieldhub":                                 "postgres://db/fieldhub",
		"host=db password=x":                                     "(the database URL)",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNotifyPayloadRoundTrip(t *testing.T) {
	sent, scopes := parsePayload(notifyPayload(testTime, []string{"org", "user:u_1"}))
	if !sent.Equal(testTime) || len(scopes) != 2 || scopes[1] != "user:u_1" {
		t.Fatalf("%v %v", sent, scopes)
	}
	if _, scopes := parsePayload(""); scopes != nil {
		t.Fatal(scopes)
	}
}

var testTime = mustTime("2026-12-03T10:00:00.123456Z")

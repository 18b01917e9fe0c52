package syncclient

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"fieldnotes/sync/syncproto"
)

func FuzzDecodePull(f *testing.F) {
	f.Add([]byte(`{"records":[{"id":"a","type":"account","scope":"org","seq":1,"data":{"name":"A"},"field_hlc":{}}],"cursor":"x","has_more":false,"last_mutation_id":3}`))
	f.Add([]byte(`{"records":[],"cursor":""}`))
	f.Add([]byte(`{"records":[{"id":"a","type":"memo"}],"cursor":"c"}`))
	f.Add([]byte(`{"records":[{"id":"a","type":"acc`))
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := decodePull(bytes.NewReader(body))
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("untyped error %T", err)
			}
			return
		}
		if page.Cursor == "" {
			t.Fatal("accepted a page without cursor")
		}
		for _, r := range page.Records {
			if r.ID == "" || !syncproto.KnownType(r.Type) {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}

func FuzzDecodePushResults(f *testing.F) {
	f.Add([]byte(`{"results":[{"mutation_id":1,"status":"applied","seq":4},{"mutation_id":2,"status":"rejected","code":"forbidden"}]}`))
	f.Add([]byte(`{"results":[{"mutation_id":7,"status":"applied"}]}`))
	f.Add([]byte(`{"results":[{"mutation_id":1,"status":"maybe"}]}`))
	f.Add([]byte(`{}`))
	sent := []syncproto.Mutation{{MutationID: 1}, {MutationID: 2}}
	f.Fuzz(func(t *testing.T, body []byte) {
		results, err := decodePushResults(body, sent)
		if err != nil {
			return
		}
		if len(results) == 0 || len(results) > len(sent) {
			t.Fatalf("accepted %d results", len(results))
		}
		for i, r := range results {
			if r.MutationID != sent[i].MutationID {
				t.Fatalf("accepted a result for an unsent change: %+v", r)
			}
		}
	})
}

func FuzzDecodeErrorBody(f *testing.F) {
	f.Add([]byte(`{"code":"mutation_gap","message":"send 3","expected":3,"results":[]}`))
	f.Add([]byte("<html>\nbad gateway"))
	f.Add([]byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, body []byte) {
		eb := decodeErrorBody(body)
		if len(eb.Message) > 310 {
			t.Fatalf("message not clipped: %d", len(eb.Message))
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	f.Add("1")
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add("-5")
	f.Add("99999999999999999999")
	now := time.Date(2015, 10, 21, 7, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, h string) {
		d := parseRetryAfter(h, now)
		if d < 0 || d > maxRetryWait {
			t.Fatalf("%q -> %v", h, d)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	cases := map[string]time.Duration{"": 0, "2": 2 * time.Second, "x": 0, "-1": 0, "100000": maxRetryWait,
		now.Add(30 * time.Second).Format(http.TimeFormat): 30 * time.Second}
	for h, want := range cases {
		if got := parseRetryAfter(h, now); got != want {
			t.Errorf("%q: %v, want %v", h, got, want)
		}
	}
}

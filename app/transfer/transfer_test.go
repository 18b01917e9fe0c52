package transfer

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

var ctx = context.Background()

func newStore(t *testing.T) *store.Store {
	s, err := store.Open(store.Options{InMemory: true, Key: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

const accountsCSV = "\ufeffName,Domain,Segment,Stage,ARR,Owner\n" +
	"Globex,globex.com;globex.de,Mid-Market,Customer,\"120,000\",ana\n" +
	"Initech,https://www.initech.com/,SMB,prospect,,bob\n" +
	"\n" +
	"Broken,not a domain,SMB,prospect,1,x\n" +
	"Umbrella,umbrella.io,Enterprise,frenemy,5,x\n" +
	"Hooli,hooli.com,Enterprise,customer,lots,x\n"

func TestImportAccountsReportsBadRowsByLineAndIsIdempotent(t *testing.T) {
	s := newStore(t)
	rep, err := Import(ctx, s, "crm.csv", strings.NewReader(accountsCSV))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kind != KindAccounts || rep.Imported != 2 || len(rep.Errors) != 3 {
		t.Fatalf("report %+v", rep)
	}
	want := []string{"crm.csv:5: domain", "crm.csv:6: stage", "crm.csv:7: arr"}
	for i, w := range want {
		if got := rep.Errors[i].String(); !strings.HasPrefix(got, w) {
			t.Errorf("error %d = %q, want prefix %q", i, got, w)
		}
	}
	a, err := s.AccountByDomain(ctx, "globex.de")
	if err != nil || a.ARR != 120000 || a.Stage != notebook.StageCustomer || a.Segment != "Mid-Market" {
		t.Fatalf("globex %+v %v", a, err)
	}
	pending, _ := s.PendingCount(ctx)
	again, _ := Import(ctx, s, "crm.csv", strings.NewReader(accountsCSV))
	if again.Imported != 0 || again.Unchanged != 2 {
		t.Fatalf("re-import changed something: %+v", again)
	}
	if after, _ := s.PendingCount(ctx); after != pending {
		t.Fatalf("re-import queued mutations: %d → %d", pending, after)
	}
}

func TestImportContactsNeedsKnownAccount(t *testing.T) {
	s := newStore(t)
	Import(ctx, s, "a.csv", strings.NewReader(accountsCSV))
	contacts := "name,email,account_domain,title\n" +
		"Ana Ruiz,Ana.Ruiz@Globex.com,globex.com,CFO\n" +
		"Bob,bob@initech,initech.com,CTO\n" +
		"Cy,cy@nowhere.org,nowhere.org,\n" +
		"Dee,dee@eu.globex.com,eu.globex.com,Controller\n" +
		"Eve,eve@nowhere.org,,\n"
	rep, err := Import(ctx, s, "contacts.csv", strings.NewReader(contacts))
	if err != nil {
		t.Fatal(err)
	}
	// Dee's subdomain is Globex's registrable domain; Eve's company is not
	// in the notebook and no column insists on one, so she comes in unlinked.
	if rep.Imported != 3 || len(rep.Errors) != 2 || rep.Errors[0].Line != 3 || rep.Errors[1].Line != 4 {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(rep.Errors[1].Reason, "matches no account") {
		t.Fatal(rep.Errors[1].Reason)
	}
	dee, _ := s.ContactByEmail(ctx, "dee@eu.globex.com")
	eve, _ := s.ContactByEmail(ctx, "eve@nowhere.org")
	if dee.AccountID == "" || eve.AccountID != "" || eve.ID == "" {
		t.Fatalf("dee %+v eve %+v", dee, eve)
	}
	c, err := s.ContactByEmail(ctx, "ana.ruiz@globex.com")
	globex, _ := s.AccountByDomain(ctx, "globex.com")
	if err != nil || c.AccountID != globex.ID || c.Title != "CFO" {
		t.Fatalf("contact %+v %v", c, err)
	}
}

func TestNDJSONRoundTrip(t *testing.T) {
	src := newStore(t)
	Import(ctx, src, "a.csv", strings.NewReader(accountsCSV))
	h := notebook.Hypothesis{ID: notebook.NewID(), Statement: "Ops teams want alerts", Questions: []notebook.Question{{ID: "q1", Text: "Do you?"}}}
	src.Save(ctx, &h)
	var buf bytes.Buffer
	n, err := ExportNDJSON(ctx, src, &buf)
	if err != nil || n != 3 {
		t.Fatalf("export %d %v", n, err)
	}
	dst := newStore(t)
	rep, err := Import(ctx, dst, "export.ndjson", bytes.NewReader(buf.Bytes()))
	if err != nil || rep.Imported != 3 || len(rep.Errors) != 0 {
		t.Fatalf("import %+v %v", rep, err)
	}
	var got notebook.Hypothesis
	if err := dst.Get(ctx, h.ID, &got); err != nil || got.Questions[0].Text != "Do you?" {
		t.Fatal(got, err)
	}
	bad := `{"type":"evidence","id":"e1","data":{"hypothesis_id":"h1","signal":"yes"}}
{"type":"gadget","id":"x","data":{}}
{"type":"account","id":"a1","data":{"name":5}}
not json
`
	rep, _ = Import(ctx, dst, "bad.ndjson", strings.NewReader(bad))
	if len(rep.Errors) != 4 {
		t.Fatalf("errors %+v", rep.Errors)
	}
	for i, want := range []string{"signal", "unknown record type", "name should be string", "not a JSON record"} {
		if !strings.Contains(rep.Errors[i].Reason, want) || rep.Errors[i].Line != i+1 {
			t.Errorf("line %d: %+v, want %q", i+1, rep.Errors[i], want)
		}
	}
}

func TestExportCSVAndMarkdown(t *testing.T) {
	s := newStore(t)
	a := notebook.Account{ID: notebook.NewID(), Name: "=HYPERLINK(\"x\")", Domains: []string{"evil.com", "evil.org"}}
	s.Save(ctx, &a)
	var buf bytes.Buffer
	if _, err := ExportCSV(ctx, s, notebook.TypeAccount, &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `"'=HYPERLINK(""x"")"`) || !strings.Contains(out, "evil.com;evil.org") {
		t.Fatalf("csv: %s", out)
	}
	buf.Reset()
	if _, err := ExportMarkdown(ctx, s, &buf); err != nil || !strings.Contains(buf.String(), "## =HYPERLINK") {
		t.Fatalf("md: %s %v", buf.String(), err)
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add([]byte(accountsCSV))
	f.Add([]byte("name,email,account_domain\nA,a@b.com,b.com\n"))
	f.Add([]byte(`{"type":"account","id":"a1","data":{"name":"x"}}` + "\n"))
	f.Add([]byte("name,domain\n\"unterminated,x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseFile("fuzz", bytes.NewReader(data))
		if err != nil {
			if !notebook.IsCode(err, notebook.Invalid) {
				t.Fatalf("parse error without the invalid code: %v", err)
			}
			return
		}
		for _, row := range p.Rows {
			if row.Record == nil || row.Line < 1 {
				t.Fatalf("row without record or line: %+v", row)
			}
			if !row.Deleted && row.Record.Validate() != nil && row.Record.RecordID() != "pending" {
				t.Fatalf("invalid row accepted: %v", row.Record.Validate())
			}
		}
		for _, e := range p.Errors {
			if e.Line < 1 || e.Reason == "" {
				t.Fatalf("error without line or reason: %+v", e)
			}
		}
	})
}

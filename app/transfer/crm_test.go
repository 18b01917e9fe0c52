package transfer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// vendorFile is one sample export in testdata/ and what importing it, in
// the order of the table, must do.
type vendorFile struct {
	file                        string
	mapping                     string
	kind                        Kind
	vendor                      Vendor
	created, updated, unchanged int
	rejected                    []string // "line: reason contains"
	warnings                    int
	skipped                     int
}

// The files go in as a rep would bring them: Salesforce first, then the
// same companies from HubSpot and Pipedrive, so identity across CRMs is
// tested on the way.
var vendorFiles = []vendorFile{
	{file: "salesforce-accounts-report.csv", kind: KindAccounts, vendor: VendorSalesforce, created: 4,
		rejected: []string{"7: domain"}, skipped: 3},
	{file: "salesforce-contacts-report.csv", kind: KindContacts, vendor: VendorSalesforce, created: 3,
		rejected: []string{"5: account \"Nonesuch Ltd\" matches no account", "6: email"}, skipped: 3},
	{file: "salesforce-opportunities-report.csv", kind: KindOpportunities, vendor: VendorSalesforce, created: 3,
		rejected: []string{"5: account \"Nobody Inc\" matches no account"}, skipped: 3},
	{file: "salesforce-accounts-dataloader.csv", kind: KindAccounts, vendor: VendorSalesforce, created: 1, unchanged: 1},
	{file: "hubspot-companies.csv", kind: KindAccounts, vendor: VendorHubSpot, created: 2, updated: 1},
	{file: "hubspot-contacts.csv", kind: KindContacts, vendor: VendorHubSpot, created: 2, rejected: []string{"4: email is empty"}},
	{file: "hubspot-deals.csv", kind: KindOpportunities, vendor: VendorHubSpot, created: 2},
	{file: "pipedrive-organizations.csv", kind: KindAccounts, vendor: VendorPipedrive, created: 1, updated: 1},
	{file: "pipedrive-persons.csv", kind: KindContacts, vendor: VendorPipedrive, created: 2},
	{file: "pipedrive-deals.csv", kind: KindOpportunities, vendor: VendorPipedrive, created: 2},
	{file: "excel-unicode-accounts.txt", mapping: "Firmenname=name,Webseite=domain,Jahresumsatz=arr", kind: KindAccounts, created: 1},
}

func TestVendorExportsImportAndReimportChangesNothing(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			s := newStore(t)
			for _, vf := range vendorFiles {
				rep := importVendorFile(t, s, vf, format)
				checkReport(t, vf, rep, format)
			}
			checkImportedNotebook(t, s)
			pending, _ := s.PendingCount(ctx)
			for _, vf := range vendorFiles {
				rep := importVendorFile(t, s, vf, format)
				if rep.Created+rep.Updated != 0 {
					t.Errorf("re-importing %s changed something: %+v", vf.file, rep.Actions)
				}
			}
			if after, _ := s.PendingCount(ctx); after != pending {
				t.Fatalf("re-import queued mutations: %d → %d", pending, after)
			}
		})
	}
}

func importVendorFile(t *testing.T, s *store.Store, vf vendorFile, format string) Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", vf.file))
	if err != nil {
		t.Fatal(err)
	}
	if format == "xlsx" {
		data = asXLSX(t, data)
	}
	mapping, err := ParseMapping(vf.mapping)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ImportWith(ctx, s, vf.file, bytes.NewReader(data), Options{Mapping: mapping})
	if err != nil {
		t.Fatalf("%s: %v", vf.file, err)
	}
	return rep
}

func checkReport(t *testing.T, vf vendorFile, rep Report, format string) {
	t.Helper()
	if rep.Kind != vf.kind || rep.Vendor != vf.vendor || rep.Created != vf.created || rep.Updated != vf.updated || rep.Unchanged != vf.unchanged {
		t.Errorf("%s: kind %s vendor %q created %d updated %d unchanged %d; want %s %q %d %d %d\nerrors %v\nactions %+v",
			vf.file, rep.Kind, rep.Vendor, rep.Created, rep.Updated, rep.Unchanged, vf.kind, vf.vendor, vf.created, vf.updated, vf.unchanged, rep.Errors, rep.Actions)
	}
	if len(rep.Errors) != len(vf.rejected) {
		t.Errorf("%s: rejected %v, want %v", vf.file, rep.Errors, vf.rejected)
	}
	for i, want := range vf.rejected {
		if i < len(rep.Errors) {
			line, reason, _ := strings.Cut(want, ": ")
			got := rep.Errors[i].String()
			if format == "xlsx" { // a row is a row: quoted newlines no longer shift the numbers
				line = ""
			}
			if !strings.HasPrefix(got, vf.file+":"+line) || !strings.Contains(got, reason) {
				t.Errorf("%s: rejection %d = %q, want line %s and %q", vf.file, i, got, line, reason)
			}
		}
	}
	if len(rep.Skipped) != vf.skipped {
		t.Errorf("%s: skipped %v, want %d footer rows", vf.file, rep.Skipped, vf.skipped)
	}
}

// checkImportedNotebook looks at what the files made, field by field.
func checkImportedNotebook(t *testing.T, s *store.Store) {
	t.Helper()
	bw, err := s.AccountByDomain(ctx, "brightwater.example")
	if err != nil {
		t.Fatal(err)
	}
	if bw.Name != "Brightwater Analytics" || bw.ARR != 1200000 || bw.Stage != notebook.StageCustomer || bw.Segment != "Mid-Market" ||
		!contains(bw.CRMIDs, "salesforce:0015g00000BrWtA") || !contains(bw.CRMIDs, "hubspot:9001") || len(bw.CRMIDs) != 2 {
		t.Errorf("brightwater (one account across Salesforce report, Data Loader and HubSpot): %+v", bw)
	}
	nw, _ := s.AccountByDomain(ctx, "northwind.co.uk")
	if nw.Name != "Northwind Foods" || nw.ARR != 1.2e6 || nw.Stage != notebook.StageCustomer {
		t.Errorf("northwind (website shop.northwind.co.uk, $1.2M): %+v", nw)
	}
	ke, _ := s.AccountByDomain(ctx, "kestrel-logistics.de")
	if ke.Name != "Kestrel Logistics GmbH" || ke.ARR != 950000 || !contains(ke.CRMIDs, "pipedrive:41") {
		t.Errorf("kestrel (Salesforce then Pipedrive, 950.000,00): %+v", ke)
	}
	sw, _ := s.AccountByDomain(ctx, "suedwind-energie.example")
	if sw.Name != "Südwind Energie" || sw.ARR != 1.2e6 {
		t.Errorf("südwind (UTF-16 tab text, mapped headers): %+v", sw)
	}
	oak := accountNamed(t, s, "Oakridge Health")
	if oak.Stage != "" || len(oak.Domains) != 0 {
		t.Errorf("oakridge (a partner: no stage, no website): %+v", oak)
	}
	priya, _ := s.ContactByEmail(ctx, "priya.northwind@gmail.com")
	if priya.AccountID != nw.ID || priya.Name != "Priya Shah" {
		t.Errorf("priya (gmail address, linked by Account Name): %+v", priya)
	}
	jonas, _ := s.ContactByEmail(ctx, "jonas.weber@eu.kestrel-logistics.de")
	if jonas.AccountID != ke.ID || jonas.Title != "Head of Fleet" {
		t.Errorf("jonas (subdomain address): %+v", jonas)
	}
	karl, _ := s.ContactByEmail(ctx, "karl.berg@gmx.de")
	if karl.AccountID != accountNamed(t, s, "Lindqvist Möbler AB").ID {
		t.Errorf("karl (gmx address, Pipedrive organization): %+v", karl)
	}
	deals, _ := store.List[notebook.Opportunity](ctx, s, store.Query{})
	byName := map[string]notebook.Opportunity{}
	for _, d := range deals {
		byName[d.Name] = d
	}
	if len(deals) != 7 {
		t.Errorf("%d deals, want 7: %+v", len(deals), deals)
	}
	if d := byName["Brightwater - Platform renewal"]; d.AccountID != bw.ID || d.Amount != 480000 || d.Currency != "USD" ||
		d.Status != notebook.DealOpen || d.CloseDate == nil || d.CloseDate.Format("2006-01-02") != "2027-03-31" || d.Stage != "Negotiation/Review" {
		t.Errorf("salesforce deal: %+v", d)
	}
	if d := byName["Kestrel - Fleet pilot"]; d.Status != notebook.DealWon || d.AccountID != ke.ID {
		t.Errorf("closed won: %+v", d)
	}
	if d := byName["Northwind - Expansion"]; d.Status != notebook.DealLost || d.Amount != 75000 || d.Currency != "USD" {
		t.Errorf("closed lost, USD 75,000.00: %+v", d)
	}
	if d := byName["Quarry - Starter"]; d.Status != notebook.DealLost || !contains(d.CRMIDs, "hubspot:7002") {
		t.Errorf("hubspot closed lost: %+v", d)
	}
	if d := byName["Lindqvist showroom"]; d.Amount != 1.2e6 || d.Currency != "SEK" || d.Status != notebook.DealOpen {
		t.Errorf("pipedrive 1.200.000,00 SEK: %+v", d)
	}
	if d := byName["Kestrel add-on"]; d.AccountID != ke.ID || d.Status != notebook.DealLost || d.LostReason != "Went with a competitor" {
		t.Errorf("pipedrive deal on an organization named without GmbH: %+v", d)
	}
}

func accountNamed(t *testing.T, s *store.Store, name string) notebook.Account {
	all, _ := store.List[notebook.Account](ctx, s, store.Query{})
	for _, a := range all {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no account %q", name)
	return notebook.Account{}
}

// asXLSX writes a CSV sample into the first sheet of a workbook, as the CRMs'
// Excel exports hold it.
func asXLSX(t *testing.T, data []byte) []byte {
	t.Helper()
	tb, err := decodeCSV("sample", bufioReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out := xlsxOf(append([][]string{tb.header}, rowsOf(tb)...))
	if out == nil {
		t.Fatal("cannot write the workbook")
	}
	return out
}

func xlsxOf(rows [][]string) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil
	}
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return nil
		}
	}
	if err := sw.Flush(); err != nil {
		return nil
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil
	}
	return buf.Bytes()
}

func TestConflictingSecondFileIsReportedNotMerged(t *testing.T) {
	s := newStore(t)
	first := "Account Name,Website,Account ID\nGlobex,globex.example,001A\nInitech,initech.example,001B\n"
	if rep, err := Import(ctx, s, "sf.csv", strings.NewReader(first)); err != nil || rep.Created != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	// Row 2: Salesforce says 001A (Globex) but the website is Initech's.
	// Row 3: a second Salesforce company on Globex's domain.
	// Row 4: HubSpot spells Initech differently: kept, and said.
	second := "Account Name,Website,Account ID\nGlobex,initech.example,001A\nGlobex Two,globex.example,001C\n"
	rep, err := Import(ctx, s, "sf2.csv", strings.NewReader(second))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 2 || rep.Errors[0].Line != 2 || rep.Errors[1].Line != 3 || !strings.Contains(rep.Errors[0].Reason, "two different companies") {
		t.Fatalf("conflicts: %+v", rep)
	}
	hub := "Record ID,Company name,Company Domain Name\n77,Initech Holdings,initech.example\n"
	rep, _ = Import(ctx, s, "hs.csv", strings.NewReader(hub))
	ini, _ := s.AccountByDomain(ctx, "initech.example")
	if rep.Updated != 1 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].String(), `hs.csv:2: kept the name "Initech"`) || ini.Name != "Initech" {
		t.Fatalf("rename: %+v %+v", rep, ini)
	}
	all, _ := store.List[notebook.Account](ctx, s, store.Query{})
	if len(all) != 2 {
		t.Fatalf("accounts %+v", all)
	}
}

func TestDryRunWritesNothingAndSaysWhy(t *testing.T) {
	s := newStore(t)
	data, _ := os.ReadFile("testdata/salesforce-accounts-report.csv")
	rep, err := ImportWith(ctx, s, "sf.csv", bytes.NewReader(data), Options{DryRun: true})
	if err != nil || !rep.DryRun || rep.Created != 4 || len(rep.Actions) != 4 || rep.Actions[0].Action != "create" ||
		!strings.Contains(rep.Actions[0].What, "brightwater.example") || len(rep.Skipped) != 3 || len(rep.Errors) != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if all, _ := store.List[notebook.Account](ctx, s, store.Query{}); len(all) != 0 {
		t.Fatalf("dry run wrote %d accounts", len(all))
	}
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Fatalf("dry run queued %d mutations", n)
	}
}

func TestUnknownHeadersNeedAMapping(t *testing.T) {
	s := newStore(t)
	_, err := Import(ctx, s, "de.csv", strings.NewReader("Firmenname;Webseite\nSüdwind;suedwind.example\n"))
	if !notebook.IsCode(err, notebook.Invalid) || !strings.Contains(err.Error(), "de.csv:1:") || !strings.Contains(err.Error(), "--map") {
		t.Fatalf("err %v", err)
	}
	m, _ := ParseMapping("firmenname=name, Webseite=domain")
	rep, err := ImportWith(ctx, s, "de.csv", strings.NewReader("Firmenname;Webseite;Notiz\nSüdwind;suedwind.example;x\n"), Options{Mapping: m})
	if err != nil || rep.Created != 1 || len(rep.Unmapped) != 1 || rep.Unmapped[0] != "Notiz" {
		t.Fatalf("%+v %v", rep, err)
	}
	if _, err := ParseMapping("Firmenname=company"); err == nil || !strings.Contains(err.Error(), "not a field") {
		t.Fatalf("bad field: %v", err)
	}
}

func TestNumbersAsCRMsWriteThem(t *testing.T) {
	for in, want := range map[string]float64{
		"1200000": 1200000, "1,200,000.00": 1200000, "1.200.000,00": 1200000, "$1.2M": 1200000, "1 200 000": 1200000,
		"€ 950k": 950000, "USD 1,200.50": 1200.5, "1200,5": 1200.5, "1,200": 1200, "12.5": 12.5, "2bn": 2e9, "1'200'000": 1200000,
	} {
		got, _, err := parseNumber(in)
		if err != nil || got != want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"lots", "1,2,3", "1.200,000.5", "12,34,567", "$", "1e9", "0x10"} {
		if got, _, err := parseNumber(in); err == nil {
			t.Errorf("parseNumber(%q) = %v, want an error", in, got)
		}
	}
}

func TestWebsitesBecomeRegistrableDomains(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.acme.example/login": "acme.example", "shop.northwind.co.uk": "northwind.co.uk", "ACME.com.": "acme.com",
		"http://eu.app.acme.com:8080/x?y=1": "acme.com", "@acme.io": "acme.io", "www.city.kawasaki.jp": "city.kawasaki.jp",
	} {
		if got, err := registrableDomain(in); err != nil || got != want {
			t.Errorf("registrableDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"not a website", "co.uk", "http://", "localhost"} {
		if got, err := registrableDomain(in); err == nil {
			t.Errorf("registrableDomain(%q) = %q, want an error", in, got)
		}
	}
}

func TestCSVAsExcelWritesIt(t *testing.T) {
	rows := [][]string{{"Account Name", "Website", "Annual Revenue"}, {"Acme; Ltd", "acme.example", "1.200,50"}, {"Multi\nLine", "multi.example", ""}}
	for _, delim := range []rune{',', ';', '\t'} {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma, w.UseCRLF = delim, true
		w.WriteAll(rows)
		p, err := ParseFile("x.csv", bytes.NewReader(buf.Bytes()))
		if err != nil || len(p.Rows) != 2 || p.Rows[0].Record.(*notebook.Account).Name != "Acme; Ltd" || p.Rows[1].Line != 3 ||
			p.Rows[1].Record.(*notebook.Account).Name != "Multi\nLine" {
			t.Fatalf("delimiter %q: %+v %v", delim, p, err)
		}
	}
	utf16be := []byte{0xfe, 0xff}
	for _, r := range "Name\tDomain\r\nAcme\tacme.example\r\n" {
		utf16be = append(utf16be, byte(r>>8), byte(r))
	}
	if p, err := ParseFile("be.txt", bytes.NewReader(utf16be)); err != nil || len(p.Rows) != 1 {
		t.Fatalf("utf-16be: %+v %v", p, err)
	}
}

func TestEndlessQuotedFieldIsRefusedQuickly(t *testing.T) {
	data := append([]byte("Account Name,Website\n\"Acme"), bytes.Repeat([]byte("x"), 50<<20)...)
	_, err := ParseFile("huge.csv", bytes.NewReader(data))
	if !notebook.IsCode(err, notebook.Invalid) || !strings.Contains(err.Error(), "huge.csv:2: a row runs past 1 MiB") {
		t.Fatalf("err %v", err)
	}
}

func bufioReader(data []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(data)) }

func TestPreviewGuessesColumnsAndRemembersTheMapping(t *testing.T) {
	s := newStore(t)
	path := filepath.Join(t.TempDir(), "report.csv")
	os.WriteFile(path, []byte("\"Account Name\",\"Website\",\"Kundensegment\"\r\n\"Tidewater\",\"www.tidewater.example\",\"SMB\"\r\n\"\"\r\n\"Grand Totals (1 records)\"\r\n"), 0o600)
	pv, err := PreviewPath(ctx, s, path, nil)
	if err != nil || pv.Kind != KindAccounts || len(pv.Columns) != 3 || pv.Columns[1].Field != FieldDomain || pv.Columns[2].Field != "" ||
		pv.Columns[0].Samples[0] != "Tidewater" || len(pv.Columns[0].Samples) != 1 || pv.Plan.Created != 1 || !pv.Plan.DryRun {
		t.Fatalf("%+v %v", pv, err)
	}
	m, _ := MappingOf(map[string]string{"Account Name": "name", "Website": "domain", "Kundensegment": "segment"})
	if rep, err := ImportPathMapped(ctx, s, path, m); err != nil || rep.Created != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	a, _ := s.AccountByDomain(ctx, "tidewater.example")
	if a.Segment != "SMB" {
		t.Fatalf("segment not mapped: %+v", a)
	}
	pv, _ = PreviewPath(ctx, s, path, nil)
	if pv.Columns[2].Field != FieldSegment || pv.Plan.Unchanged != 1 || pv.Plan.Created != 0 {
		t.Fatalf("mapping not remembered: %+v", pv)
	}
	pv, _ = PreviewPath(ctx, s, filepath.Join("testdata", "excel-unicode-accounts.txt"), nil)
	if pv.Problem == "" || !strings.Contains(pv.Problem, "accounts, contacts or deals") || len(pv.Columns) != 3 {
		t.Fatalf("unknown headers: %+v", pv)
	}
	if _, err := MappingOf(map[string]string{"x": "nonsense"}); err == nil {
		t.Fatal("unknown field accepted")
	}
}

// Accounts may keep a subdomain (zephyr.example.com): a contact naming it, or
// writing from it, links to it, not to example.com.
func TestContactLinksToAnAccountKeptUnderASubdomain(t *testing.T) {
	s := newStore(t)
	a := notebook.Account{ID: notebook.NewID(), Name: "Zephyr", Domains: []string{"zephyr.example.com"}}
	if _, err := s.Save(ctx, &a); err != nil {
		t.Fatal(err)
	}
	rep, err := Import(ctx, s, "c.csv", strings.NewReader("name,email,account_domain\nNora,nora@zephyr.example.com,zephyr.example.com\nOla,ola@zephyr.example.com,\n"))
	if err != nil || rep.Created != 2 || len(rep.Errors) != 0 {
		t.Fatalf("%+v %v", rep, err)
	}
	for _, email := range []string{"nora@zephyr.example.com", "ola@zephyr.example.com"} {
		if c, _ := s.ContactByEmail(ctx, email); c.AccountID != a.ID {
			t.Errorf("%s not linked: %+v", email, c)
		}
	}
}

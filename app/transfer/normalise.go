package transfer

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/publicsuffix"

	"fieldnotes/app/notebook"
)

// registrableDomain turns what a CRM keeps as a website — "https://www.
// acme.example/login", "shop.acme.co.uk", "ACME.example." — into the domain
// a company registers ("acme.example", "acme.co.uk"), using the public-suffix
// list rather than a guess about how many labels a domain has.
func registrableDomain(raw string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" {
		return "", nil
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 { // an address, or "@acme.example"
		s = s[i+1:]
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return "", fmt.Errorf("%q is not a website or domain such as acme.com", raw)
	}
	host := strings.TrimSuffix(u.Hostname(), ".")
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return "", fmt.Errorf("%q is not a website or domain such as acme.com", raw)
	}
	if nd := notebook.NormalizeDomain(d); nd != "" {
		return nd, nil
	}
	return "", fmt.Errorf("%q is not a website or domain such as acme.com", raw)
}

// personalDomains are free mailbox providers: an address there says nothing
// about the company, so the contact is linked by the account name instead.
var personalDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"msn.com": true, "yahoo.com": true, "ymail.com": true, "icloud.com": true, "me.com": true, "mac.com": true,
	"aol.com": true, "proton.me": true, "protonmail.com": true, "gmx.de": true, "gmx.net": true, "gmx.com": true,
	"web.de": true, "t-online.de": true, "mail.com": true, "yandex.com": true, "yandex.ru": true, "zoho.com": true,
	"fastmail.com": true, "hey.com": true, "qq.com": true, "163.com": true, "orange.fr": true, "free.fr": true,
	"laposte.net": true, "libero.it": true, "btinternet.com": true, "comcast.net": true, "hotmail.co.uk": true,
	"yahoo.co.uk": true, "outlook.de": true, "hotmail.de": true, "yahoo.de": true, "posteo.de": true,
}

// parseNumber reads an amount as CRMs and spreadsheets write it: "1200000",
// "1,200,000.00", "1.200.000,00", "1 200 000", "$1.2M", "EUR 950k",
// "USD 1,200.50". It returns the currency when the value names one. A value
// whose separators could mean either (such as "1,234,5") is refused.
func parseNumber(raw string) (float64, string, error) {
	s := strings.TrimSpace(raw)
	bad := fmt.Errorf("%q is not an amount such as 1200000, 1,200,000.00 or $1.2M", raw)
	currency, s := cutCurrency(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, strings.TrimSpace(s[1:])
	}
	s, mult := cutMultiplier(s)
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || r == '_' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, currency, bad
	}
	num, ok := canonicalDecimal(s)
	if !ok {
		return 0, currency, bad
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, currency, bad
	}
	v *= mult
	if neg {
		v = -v
	}
	return math.Round(v*100) / 100, currency, nil
}

var currencySymbols = map[string]string{"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}

// cutCurrency takes a leading or trailing symbol or ISO code off s.
func cutCurrency(s string) (string, string) {
	for sym, code := range currencySymbols {
		if strings.HasPrefix(s, sym) {
			return code, strings.TrimSpace(strings.TrimPrefix(s, sym))
		}
		if strings.HasSuffix(s, sym) {
			return code, strings.TrimSpace(strings.TrimSuffix(s, sym))
		}
	}
	if len(s) > 4 && isUpperCode(s[:3]) && (s[3] == ' ' || unicode.IsDigit(rune(s[3]))) {
		return s[:3], strings.TrimSpace(s[3:])
	}
	if n := len(s); n > 4 && isUpperCode(s[n-3:]) && (s[n-4] == ' ' || unicode.IsDigit(rune(s[n-4]))) {
		return s[n-3:], strings.TrimSpace(s[:n-3])
	}
	return "", s
}

func isUpperCode(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return len(s) == 3
}

func cutMultiplier(s string) (string, float64) {
	lower := strings.ToLower(s)
	for _, m := range []struct {
		suffix string
		mult   float64
	}{{"bn", 1e9}, {"mn", 1e6}, {"k", 1e3}, {"m", 1e6}, {"b", 1e9}} {
		if strings.HasSuffix(lower, m.suffix) {
			return strings.TrimSpace(s[:len(s)-len(m.suffix)]), m.mult
		}
	}
	return s, 1
}

// canonicalDecimal rewrites digits with "," and "." separators as a Go
// float literal. The last separator is the decimal mark unless it is
// followed by exactly three digits and the other mark is absent or earlier
// (then every separator groups thousands); groups must be three digits.
func canonicalDecimal(s string) (string, bool) {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c == ',' || c == '.') {
			return "", false
		}
	}
	lastComma, lastDot := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	if lastComma < 0 && lastDot < 0 {
		return s, true
	}
	var group, decimal byte
	switch {
	case lastComma >= 0 && lastDot >= 0:
		if lastComma > lastDot {
			group, decimal = '.', ','
		} else {
			group, decimal = ',', '.'
		}
	default:
		mark := byte(',')
		if lastDot >= 0 {
			mark = '.'
		}
		last := strings.LastIndexByte(s, mark)
		if strings.Count(s, string(mark)) > 1 || len(s)-last-1 == 3 {
			group = mark // 1,200,000 or 1.200: thousands
		} else {
			decimal = mark // 1200,50 or 1200.5
		}
	}
	intPart, frac := s, ""
	if decimal != 0 {
		i := strings.LastIndexByte(s, decimal)
		intPart, frac = s[:i], s[i+1:]
		if frac == "" || strings.ContainsAny(frac, ",.") {
			return "", false
		}
	}
	if group != 0 {
		groups := strings.Split(intPart, string(group))
		for i, g := range groups {
			if g == "" || (i > 0 && len(g) != 3) || len(g) > 3 && i == 0 {
				return "", false
			}
		}
		intPart = strings.Join(groups, "")
	}
	if intPart == "" || strings.ContainsAny(intPart, ",.") {
		return "", false
	}
	if frac != "" {
		return intPart + "." + frac, true
	}
	return intPart, true
}

// accountStage maps a CRM's account type or lifecycle stage to the
// notebook's two stages; partners, vendors and "other" carry no stage.
func accountStage(raw string) (notebook.Stage, error) {
	v := strings.ToLower(strings.Join(strings.Fields(strings.TrimSpace(raw)), " "))
	switch {
	case v == "":
		return "", nil
	case v == "customer" || strings.HasPrefix(v, "customer ") || strings.HasPrefix(v, "customer-") ||
		v == "recurring customer" || v == "evangelist" || v == "active customer":
		return notebook.StageCustomer, nil
	}
	if prospectWords[v] {
		return notebook.StageProspect, nil
	}
	if noStageWords[v] || strings.Contains(v, "partner") || strings.Contains(v, "reseller") {
		return "", nil
	}
	return "", fmt.Errorf("stage %q is neither prospect nor customer (nor a CRM type such as Customer - Direct or Lifecycle Stage Lead)", raw)
}

var prospectWords = map[string]bool{
	"prospect": true, "lead": true, "subscriber": true, "marketing qualified lead": true, "marketingqualifiedlead": true,
	"sales qualified lead": true, "salesqualifiedlead": true, "opportunity": true, "mql": true, "sql": true,
}

var noStageWords = map[string]bool{"other": true, "vendor": true, "analyst": true, "competitor": true, "integrator": true, "investor": true, "press": true, "former customer": true}

// dealStatus reads won/lost/open from a status column (Pipedrive's status,
// Salesforce's IsWon) or, failing that, from the stage's name.
func dealStatus(status, stage string) (notebook.DealStatus, error) {
	s := strings.ToLower(strings.TrimSpace(status))
	switch s {
	case "won", "true", "1", "yes", "closed won", "closedwon":
		return notebook.DealWon, nil
	case "lost", "closed lost", "closedlost":
		return notebook.DealLost, nil
	case "open", "":
	case "false", "0", "no":
		// IsWon false: open or lost — the stage says which
	default:
		return "", fmt.Errorf("status %q is not open, won or lost", status)
	}
	st := strings.ToLower(stage)
	switch {
	case strings.Contains(st, "won"):
		return notebook.DealWon, nil
	case strings.Contains(st, "lost"):
		return notebook.DealLost, nil
	}
	return notebook.DealOpen, nil
}

// parseDate reads the dates CRMs export: ISO (2026-03-31, with or without a
// time), US (3/31/2026), European (31.03.2026, 31/03/2026 when the day is
// over 12). A slashed date where both could be the month is read the US way,
// as Salesforce and HubSpot in an en-US locale write it.
func parseDate(raw string) (*time.Time, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return utcDay(t), nil
		}
	}
	if d, ok := strings.CutSuffix(s, " 00:00:00"); ok {
		s = d
	}
	for _, layout := range []string{"02.01.2006", "2.1.2006", "02.01.06"} {
		if t, err := time.Parse(layout, s); err == nil {
			return utcDay(t), nil
		}
	}
	parts := strings.Split(s, "/")
	if len(parts) == 3 {
		a, errA := strconv.Atoi(parts[0])
		b, errB := strconv.Atoi(parts[1])
		y, errY := strconv.Atoi(strings.Fields(parts[2] + " ")[0])
		if errA == nil && errB == nil && errY == nil {
			if y < 100 {
				y += 2000
			}
			month, day := a, b
			if a > 12 {
				month, day = b, a
			}
			t := time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
			if month >= 1 && month <= 12 && t.Day() == day && t.Month() == time.Month(month) {
				return &t, nil
			}
		}
	}
	return nil, fmt.Errorf("close date %q is not a date such as 2026-03-31 or 3/31/2026", raw)
}

func utcDay(t time.Time) *time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

// crmID makes the "vendor:id" kept on records; a file of no known CRM uses
// "import" as its vendor. Several ids in one cell (HubSpot's "Associated
// Company IDs" may hold "123;456") take the first, the primary.
func crmID(v Vendor, raw string) string {
	id := strings.TrimSpace(raw)
	if i := strings.IndexAny(id, ";,"); i >= 0 {
		id = strings.TrimSpace(id[:i])
	}
	if id == "" {
		return ""
	}
	if v == VendorNone {
		if strings.Contains(id, ":") {
			return id
		}
		return "import:" + id
	}
	if v == VendorSalesforce && len(id) == 18 {
		id = id[:15] // the 18-character form only adds a case-safe checksum
	}
	return string(v) + ":" + id
}

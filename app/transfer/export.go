package transfer

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// ExportNDJSON writes one envelope per line (sync-protocol.md's record
// shape), tombstones included, for the given types (all when empty).
func ExportNDJSON(ctx context.Context, s *store.Store, w io.Writer, types ...notebook.Type) (int, error) {
	bw := bufio.NewWriter(w)
	n := 0
	for _, t := range orAll(types) {
		err := s.Envelopes(ctx, t, func(env store.Envelope) error {
			line, err := json.Marshal(env)
			if err != nil {
				return err
			}
			if _, err := bw.Write(line); err != nil {
				return err
			}
			n++
			return bw.WriteByte('\n')
		})
		if err != nil {
			return n, err
		}
	}
	return n, bw.Flush()
}

func orAll(types []notebook.Type) []notebook.Type {
	if len(types) == 0 {
		return notebook.Types
	}
	return types
}

// ExportCSV writes the live records of type t as CSV: a column per field,
// lists joined with ';', nested values as JSON. Cells that a spreadsheet
// would run as a formula are prefixed with a quote (CSV injection).
func ExportCSV(ctx context.Context, s *store.Store, t notebook.Type, w io.Writer) (int, error) {
	var rows []map[string]json.RawMessage
	colSet := map[string]bool{}
	err := s.Envelopes(ctx, t, func(env store.Envelope) error {
		if env.Deleted {
			return nil
		}
		row := map[string]json.RawMessage{"id": json.RawMessage(strconv.Quote(env.ID))}
		for k, v := range env.Data {
			row[k] = v
			colSet[k] = true
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		return 0, err
	}
	cols := append([]string{"id"}, sortedCols(colSet)...)
	cw := csv.NewWriter(w)
	cw.Write(cols)
	for _, row := range rows {
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = notebook.SpreadsheetSafe(cellText(row[c]))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return len(rows), cw.Error()
}

func sortedCols(set map[string]bool) []string {
	cols := make([]string, 0, len(set))
	for c := range set {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	return cols
}

func cellText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ";")
	}
	return string(raw)
}

// ExportMarkdown writes a readable digest per account: contacts, calls and
// the evidence captured, with the customer's own words.
func ExportMarkdown(ctx context.Context, s *store.Store, w io.Writer) (int, error) {
	accounts, err := store.List[notebook.Account](ctx, s, store.Query{})
	if err != nil {
		return 0, err
	}
	sort.Slice(accounts, func(i, j int) bool { return strings.ToLower(accounts[i].Name) < strings.ToLower(accounts[j].Name) })
	hyps, err := store.List[notebook.Hypothesis](ctx, s, store.Query{})
	if err != nil {
		return 0, err
	}
	statement := map[string]string{}
	for _, h := range hyps {
		statement[h.ID] = h.Statement
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Fieldnotes digest\n\n%d accounts.\n", len(accounts))
	for _, a := range accounts {
		if err := writeAccountDigest(ctx, s, bw, a, statement); err != nil {
			return 0, err
		}
	}
	return len(accounts), bw.Flush()
}

func writeAccountDigest(ctx context.Context, s *store.Store, w io.Writer, a notebook.Account, statement map[string]string) error {
	contacts, err := store.List[notebook.Contact](ctx, s, store.Query{AccountID: a.ID})
	if err != nil {
		return err
	}
	calls, err := store.List[notebook.Call](ctx, s, store.Query{AccountID: a.ID, Newest: true})
	if err != nil {
		return err
	}
	evidence, err := store.List[notebook.Evidence](ctx, s, store.Query{AccountID: a.ID, Newest: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n## %s\n\n%s · %s · ARR %.0f · %s\n", md(a.Name), orDash(a.Segment), orDash(string(a.Stage)), a.ARR, strings.Join(a.Domains, ", "))
	if len(contacts) > 0 {
		fmt.Fprintf(w, "\n### Contacts\n\n")
		for _, c := range contacts {
			fmt.Fprintf(w, "- %s (%s)%s\n", md(orDash(c.Name)), md(c.Email), suffix(c.Title))
		}
	}
	if len(calls) > 0 {
		fmt.Fprintf(w, "\n### Calls\n\n")
		for _, c := range calls {
			fmt.Fprintf(w, "- %s, %s: %s\n", c.StartedAt.Format("2 Jan 2006"), c.Kind, md(firstLine(c.Notes)))
		}
	}
	if len(evidence) > 0 {
		fmt.Fprintf(w, "\n### What they said\n\n")
		for _, e := range evidence {
			fmt.Fprintf(w, "- **%s** — %s", orDash(string(e.Signal)), md(orDash(statement[e.HypothesisID])))
			if e.Quote != "" {
				fmt.Fprintf(w, "\n  > %s", md(e.Quote))
			}
			if e.WTP != nil {
				fmt.Fprintf(w, "\n  Would pay %.2f %s per %s", e.WTP.Amount, e.WTP.Currency, strings.ReplaceAll(e.WTP.Period, "_", " "))
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

// md keeps user text from turning into Markdown structure.
func md(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	for _, c := range []string{"\\", "*", "_", "`", "#", "[", "]", "<", ">"} {
		s = strings.ReplaceAll(s, c, "\\"+c)
	}
	return s
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s, 160)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func suffix(title string) string {
	if title == "" {
		return ""
	}
	return ", " + md(title)
}

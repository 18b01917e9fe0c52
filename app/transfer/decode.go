package transfer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"fieldnotes/app/notebook"
)

// table is a decoded spreadsheet: the header row and the rows below it, each
// with the line (CSV) or row number (XLSX) a person would look for.
type table struct {
	header     []string
	headerLine int
	rows       []tableRow
}

type tableRow struct {
	line   int
	fields []string
}

// Limits that keep a hostile or broken file from taking the machine: one
// record (a row, quoted newlines included) may not run past maxRecordBytes —
// an unclosed quote would otherwise swallow the rest of a 50 MB file into a
// single field — and a file may not hold more than maxRows rows.
const (
	maxRecordBytes = 1 << 20
	maxRows        = 2_000_000
	maxXLSXBytes   = 512 << 20
)

// decodeTable reads CSV (any of the encodings and delimiters Excel and the
// CRMs write) or XLSX into a table. name is used in error messages only.
func decodeTable(name string, br *bufio.Reader) (table, error) {
	magic, _ := br.Peek(4)
	if bytes.Equal(magic, []byte("PK\x03\x04")) {
		return decodeXLSX(name, br)
	}
	return decodeCSV(name, br)
}

// decodeCSV sniffs the encoding (UTF-8 with or without BOM, UTF-16 with BOM
// as Excel's "Unicode text" writes it) and the delimiter, then reads records.
func decodeCSV(name string, br *bufio.Reader) (table, error) {
	r := utf8Reader(br)
	delim := sniffDelimiter(r)
	guard := &recordGuard{r: r}
	cr := csv.NewReader(guard)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	var t table
	nextLine := 1 // where the record being read starts, for the error
	for {
		guard.start()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, errRecordTooLong) {
				return t, notebook.Errorf(notebook.Invalid, "%s:%d: a row runs past %d MiB — most likely a quote that is never closed; nothing was imported", name, nextLine, maxRecordBytes>>20)
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return t, notebook.Errorf(notebook.Invalid, "%s:%d: %v", name, pe.Line, pe.Err)
			}
			return t, notebook.Errorf(notebook.Invalid, "%s: cannot read the file: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		nextLine = last + 1
		if t.header == nil {
			if countFilled(rec) == 0 || isExcelSepLine(rec) {
				continue
			}
			t.header, t.headerLine = cleanHeader(rec), line
			continue
		}
		if len(t.rows) >= maxRows {
			return t, notebook.Errorf(notebook.Invalid, "%s:%d: more than %d rows; split the file", name, line, maxRows)
		}
		t.rows = append(t.rows, tableRow{line: line, fields: rec})
	}
	if t.header == nil {
		return t, notebook.Errorf(notebook.Invalid, "%s:1: the file is empty; expected a header row naming the columns", name)
	}
	return t, nil
}

// utf8Reader strips a UTF-8 BOM and converts UTF-16 (either byte order,
// told by its BOM) to UTF-8.
func utf8Reader(br *bufio.Reader) *bufio.Reader {
	bom, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(bom, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3) // cannot fail: Peek just buffered these 3 bytes
		return br
	case bytes.HasPrefix(bom, []byte("\xff\xfe")), bytes.HasPrefix(bom, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10)
	}
	return br
}

// sniffDelimiter picks the separator Excel or the CRM used from the first
// line: the most frequent of , ; and tab outside quotes. Excel's own "sep=;"
// first line wins when present.
func sniffDelimiter(br *bufio.Reader) rune {
	head, _ := br.Peek(64 << 10)
	if bytes.HasPrefix(head, []byte("sep=")) && len(head) > 4 {
		if r, _ := utf8.DecodeRune(head[4:]); r == ';' || r == '\t' || r == ',' || r == '|' {
			return r
		}
	}
	counts := map[rune]int{}
	inQuote := false
	for _, c := range string(head) {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if c == '\n' {
			break
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{'\t', ';', ','} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

func isExcelSepLine(rec []string) bool {
	return len(rec) <= 2 && strings.HasPrefix(rec[0], "sep=")
}

var errRecordTooLong = errors.New("record too long")

// recordGuard counts the bytes the CSV reader pulls for one record and
// refuses past maxRecordBytes, so memory and time stay bounded whatever the
// quoting. encoding/csv reads ahead in small chunks, so the count is close.
type recordGuard struct {
	r io.Reader
	n int
}

func (g *recordGuard) start() { g.n = 0 }

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n > maxRecordBytes {
		return 0, errRecordTooLong
	}
	if len(p) > 64<<10 {
		p = p[:64<<10]
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}

// decodeXLSX reads the first sheet of a workbook, streaming its rows.
// excelize is told the same limits as CSV, so a zip bomb is refused.
func decodeXLSX(name string, r io.Reader) (table, error) {
	f, err := excelize.OpenReader(io.LimitReader(r, maxXLSXBytes+1), excelize.Options{
		UnzipSizeLimit:    maxXLSXBytes,
		UnzipXMLSizeLimit: 64 << 20,
	})
	if err != nil {
		return table{}, notebook.Errorf(notebook.Invalid, "%s: not a readable .xlsx workbook: %v", name, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return table{}, notebook.Errorf(notebook.Invalid, "%s: the workbook has no sheet", name)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return table{}, notebook.Errorf(notebook.Invalid, "%s: cannot read sheet %q: %v", name, sheets[0], err)
	}
	defer rows.Close()
	var t table
	line := 0
	for rows.Next() {
		line++
		rec, err := rows.Columns()
		if err != nil {
			return t, notebook.Errorf(notebook.Invalid, "%s: sheet %q row %d: %v", name, sheets[0], line, err)
		}
		if t.header == nil {
			if countFilled(rec) > 0 {
				t.header, t.headerLine = cleanHeader(rec), line
			}
			continue
		}
		if len(t.rows) >= maxRows {
			return t, notebook.Errorf(notebook.Invalid, "%s: row %d: more than %d rows; split the file", name, line, maxRows)
		}
		t.rows = append(t.rows, tableRow{line: line, fields: rec})
	}
	if err := rows.Error(); err != nil {
		return t, notebook.Errorf(notebook.Invalid, "%s: sheet %q: %v", name, sheets[0], err)
	}
	if t.header == nil {
		return t, notebook.Errorf(notebook.Invalid, "%s: the first sheet is empty; expected a header row naming the columns", name)
	}
	return t, nil
}

func cleanHeader(rec []string) []string {
	out := make([]string, len(rec))
	for i, h := range rec {
		out[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	return out
}

func countFilled(rec []string) int {
	n := 0
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			n++
		}
	}
	return n
}

// footerRow reports whether a row is a report's summary or legal footer —
// Salesforce ends report exports with "Grand Totals (N records)",
// "Confidential Information - Do Not Distribute" and a copyright line — which
// is skipped quietly rather than rejected.
func footerRow(fields []string) bool {
	if countFilled(fields) != 1 {
		return false
	}
	var cell string
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			cell = strings.ToLower(strings.TrimSpace(f))
		}
	}
	for _, p := range footerPrefixes {
		if strings.HasPrefix(cell, p) {
			return true
		}
	}
	return false
}

var footerPrefixes = []string{
	"grand total", "total", "subtotal", "confidential information", "copyright", "©",
	"generated by", "filtered by", "report generated", "(c) ",
}

func describeHeader(h []string) string {
	const max = 12
	if len(h) > max {
		return strings.Join(h[:max], ", ") + fmt.Sprintf(" … (%d columns)", len(h))
	}
	return strings.Join(h, ", ")
}

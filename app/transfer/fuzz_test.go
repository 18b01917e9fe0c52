package transfer

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

// FuzzDecodeTable feeds the CSV and XLSX decoders anything: they must not
// panic, must finish quickly, and every failure must be an Invalid error
// naming the file.
func FuzzDecodeTable(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("\xff\xfeN\x00a\x00"))
	f.Add([]byte("sep=;\nName;Domain\nA;a.example\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte("Account Name\n\"never closed"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		for _, input := range [][]byte{data, asXLSXOrNil(data)} {
			if input == nil {
				continue
			}
			p, err := ParseFile("fuzz.csv", bytes.NewReader(input))
			if err != nil {
				if !notebook.IsCode(err, notebook.Invalid) {
					t.Fatalf("error without the invalid code: %v", err)
				}
				continue
			}
			for _, row := range p.Rows {
				if row.Record == nil || row.Line < 1 {
					t.Fatalf("row without record or line: %+v", row)
				}
			}
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v on %d bytes", d, len(data))
		}
	})
}

// asXLSXOrNil wraps data that decodes as CSV into a workbook, so the fuzzer
// reaches the XLSX path with sheets of its making; nil when it does not.
func asXLSXOrNil(data []byte) []byte {
	if len(data) > 4096 {
		return nil
	}
	tb, err := decodeCSV("fuzz", bufioReader(data))
	if err != nil || len(tb.header) > 50 {
		return nil
	}
	return xlsxOf(append([][]string{tb.header}, rowsOf(tb)...))
}

func rowsOf(tb table) [][]string {
	out := make([][]string, 0, len(tb.rows))
	for _, r := range tb.rows {
		out = append(out, r.fields)
	}
	return out
}

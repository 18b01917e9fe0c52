package transfer

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"

	"fieldnotes/app/store"
)

// salesforceReport writes an n-row Salesforce accounts report export, footer
// and all, with every row a different company.
func salesforceReport(n int) [][]string {
	rows := [][]string{{"Account Name", "Type", "Website", "Annual Revenue", "Industry", "Billing City", "Account Owner", "Account ID"}}
	for i := 0; i < n; i++ {
		rows = append(rows, []string{fmt.Sprintf("Company %06d", i), []string{"Prospect", "Customer - Direct"}[i%2],
			fmt.Sprintf("https://www.company%06d.example/", i), fmt.Sprintf("$%d,%03d.00", 1+i%900, i%1000), "Technology", "Leeds", "Ana Ruiz",
			fmt.Sprintf("0015g%010d", i)})
	}
	return append(rows, []string{""}, []string{fmt.Sprintf("Grand Totals (%d records)", n)}, []string{"Confidential Information - Do Not Distribute"})
}

func csvOf(rows [][]string) []byte {
	var buf bytes.Buffer
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(&buf, "%q", c)
		}
		buf.WriteString("\r\n")
	}
	return buf.Bytes()
}

// BenchmarkImportSalesforce100k imports a 100k-row Salesforce export into
// an empty on-disk notebook (issue 11's goal: ≤ 5 s), as CSV and as XLSX.
// Run: go test ./app/transfer -run XXX -bench ImportSalesforce100k -benchtime 1x
func BenchmarkImportSalesforce100k(b *testing.B) {
	n := benchRows()
	rows := salesforceReport(n)
	for _, format := range []string{"csv", "xlsx"} {
		data := csvOf(rows)
		if format == "xlsx" {
			data = xlsxOf(rows)
		}
		b.Run(format, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s, err := store.Open(store.Options{Dir: b.TempDir(), Key: bytes.Repeat([]byte{1}, 32)})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				rep, err := Import(ctx, s, "report."+format, bytes.NewReader(data))
				b.StopTimer()
				if err != nil || rep.Created != n || len(rep.Errors) != 0 || len(rep.Skipped) != 2 {
					b.Fatalf("%+v %v", rep.Errors, err)
				}
				s.Close()
			}
		})
	}
}

// benchRows is 100k unless BENCH_ROWS says otherwise (profiling).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// BenchmarkParseSalesforce100k is the reading half alone (decode, map,
// normalise), to tell the importer's cost from the store's.
func BenchmarkParseSalesforce100k(b *testing.B) {
	n := benchRows()
	rows := salesforceReport(n)
	for _, format := range []string{"csv", "xlsx"} {
		data := csvOf(rows)
		if format == "xlsx" {
			data = xlsxOf(rows)
		}
		b.Run(format, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p, err := ParseFile("report."+format, bytes.NewReader(data))
				if err != nil || len(p.Rows) != n {
					b.Fatalf("%d rows, %v", len(p.Rows), err)
				}
			}
		})
	}
}

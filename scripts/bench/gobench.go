package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// benchGo runs the Go benchmarks whose floor runs beside them: a durable
// save of an edit of 18 KB notes against one fsynced Badger commit of the
// same size (app/store). The figures are their p99 (and p50).
func benchGo(t *table) error {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^(BenchmarkDurableSave18KB|BenchmarkFsyncCommit18KB)$", "-benchtime", "400x", "-count", "1", "./app/store")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go test: %v\n%s", err, out.String())
	}
	save, err := metrics(out.String(), "BenchmarkDurableSave18KB")
	if err != nil {
		return err
	}
	floor, err := metrics(out.String(), "BenchmarkFsyncCommit18KB")
	if err != nil {
		return err
	}
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	t.add(row{what: "one durable save of an edit of 18 KB call notes (p99; p50)",
		app:   fmt.Sprintf("%s; %s", secs(ms(save["p99-ms"])), secs(ms(save["p50-ms"]))),
		floor: fmt.Sprintf("one fsynced Badger commit of 18 KB: %s; %s", secs(ms(floor["p99-ms"])), secs(ms(floor["p50-ms"]))),
		ratio: ratio(ms(save["p99-ms"]), ms(floor["p99-ms"])), goal: "p99 ≤ 2 ms"})
	return benchRevenue(t)
}

// benchRevenue runs BenchmarkRevenueOverhead (app/notebook) five times and
// reports the median: what the revenue roll-up adds to one hypothesis's
// roll-up at the 50 × 500k scale, both timed in the same loop.
func benchRevenue(t *table) error {
	const runs = 5
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^BenchmarkRevenueOverhead$", "-count", fmt.Sprint(runs), "./app/notebook")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go test: %v\n%s", err, out.String())
	}
	var over, overMin, base, rev []float64
	for _, line := range regexp.MustCompile(`(?m)^BenchmarkRevenueOverhead(-\d+)?\s.*$`).FindAllString(out.String(), -1) {
		m, err := metrics(line, "BenchmarkRevenueOverhead")
		if err != nil {
			return err
		}
		over, overMin = append(over, m["overhead-%"]), append(overMin, m["overhead-min-%"])
		base, rev = append(base, m["base-ms/op"]), append(rev, m["revenue-ms/op"])
	}
	if len(over) != runs {
		return fmt.Errorf("BenchmarkRevenueOverhead: %d results of %d in\n%s", len(over), runs, out.String())
	}
	t.add(row{what: "revenue roll-up added to one hypothesis's roll-up at 50 × 500k (10k items, 5k accounts, 2k deals; median of 5)",
		app:   fmt.Sprintf("+%.0f%% of the total times (revenue %.2f ms); +%.0f%% of the fastest iterations", median(over), median(rev), median(overMin)),
		floor: fmt.Sprintf("the roll-up without revenue, same loop: %.2f ms", median(base)),
		ratio: fmt.Sprintf("%.2f×", 1+median(over)/100), goal: "≤ +20%"})
	return nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

var metricRE = regexp.MustCompile(`([0-9.]+) ([a-zA-Z0-9%/_-]+)`)

func metrics(out, name string) (map[string]float64, error) {
	line := regexp.MustCompile(`(?m)^` + name + `(-\d+)?\s.*$`).FindString(out)
	if line == "" {
		return nil, fmt.Errorf("%s: no result in\n%s", name, out)
	}
	m := map[string]float64{}
	for _, g := range metricRE.FindAllStringSubmatch(line, -1) {
		v, _ := strconv.ParseFloat(g[1], 64)
		m[g[2]] = v
	}
	return m, nil
}

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
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
	return nil
}

var metricRE = regexp.MustCompile(`([0-9.]+) ([a-z0-9-]+)`)

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

package notebook

import (
	"math/rand/v2"
	"testing"
)

func TestExactSumIsExactAndOrderFree(t *testing.T) {
	cases := []struct {
		name string
		in   []float64
		want float64
	}{
		{"none", nil, 0},
		{"tenths", []float64{.1, .1, .1, .1, .1, .1, .1, .1, .1, .1}, 1},
		{"cancelling", []float64{1e12, 1, -1e12}, 1},
		{"tiny beside large", []float64{1e12, 1e-7, 1e-7, 1e-7}, 1e12 + 3e-7},
		{"parts below an ulp add up", []float64{1, 1e-16, 1e-16}, 1.0000000000000002},
		{"amounts", []float64{1200000, 950000.5, 0.25, 37.75}, 2150038.5},
	}
	for _, c := range cases {
		var s exactSum
		for _, x := range c.in {
			s.add(x)
		}
		if got := s.value(); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// naive addition of these depends on the order; the exact sum does not
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 500)
	for i := range xs {
		xs[i] = r.Float64() * float64(int(1)<<(r.IntN(40)))
	}
	var first float64
	for round := 0; round < 20; round++ {
		r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		var s exactSum
		for _, x := range xs {
			s.add(x)
		}
		if round == 0 {
			first = s.value()
		} else if s.value() != first {
			t.Fatalf("order %d gave %v, the first %v", round, s.value(), first)
		}
	}
}

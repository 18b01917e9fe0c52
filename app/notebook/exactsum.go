package notebook

import "math"

// exactSum adds floats exactly and rounds once at the end (Shewchuk's
// algorithm, as Python's math.fsum), so a total does not depend on the
// order it was added in. The revenue roll-up relies on that to walk deals
// in map order instead of sorting thousands of ids first: equal inputs give
// equal totals, to the last bit, however a hub or a test ordered them.
// Inputs must be finite (amounts and ARR are validated to be).
type exactSum struct{ partials []float64 }

func (s *exactSum) add(x float64) {
	i := 0
	for _, y := range s.partials {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		lo := y - (hi - x)
		if lo != 0 {
			s.partials[i] = lo
			i++
		}
		x = hi
	}
	s.partials = append(s.partials[:i], x)
}

// value is the exact sum rounded to the nearest float (ties to even).
func (s *exactSum) value() float64 {
	p := s.partials
	n := len(p)
	if n == 0 {
		return 0
	}
	n--
	hi, lo := p[n], 0.0
	for n > 0 {
		x := hi
		n--
		y := p[n]
		hi = x + y
		lo = y - (hi - x)
		if lo != 0 {
			break
		}
	}
	// a half-way case: the partials below decide which way to round
	if n > 0 && (lo < 0 && p[n-1] < 0 || lo > 0 && p[n-1] > 0) {
		y := lo * 2
		x := hi + y
		if y == x-hi {
			hi = x
		}
	}
	return hi
}

package receipt

import "strconv"

// Yuan formats an amount in fen as yuan with exactly two decimals
// ("12.34", "-0.05", "0.00"), using integer arithmetic only.
func Yuan(fen int64) string {
	u := uint64(fen)
	b := make([]byte, 0, 24)
	if fen < 0 {
		u = -u // two's complement: also right for math.MinInt64
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/100, 10)
	frac := u % 100
	b = append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	return string(b)
}

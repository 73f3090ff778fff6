package user

import (
	"fmt"
	"strconv"
)

// parseID decides whether s is a numeric id and parses it. Anything that
// looks like a decimal integer (an optional sign and digits only) is
// numeric, and a numeric spec is ALWAYS an id: it is never looked up as a
// name (CVE-2016-3697), so a hostile "1000:x:0:0" passwd line cannot turn
// the user "1000" into root. Strings such as " 1", "0x1" or "1a" are not
// numeric; they are names. A numeric value outside 0..2147483647
// (including "-1" and overflowing values) gives an error wrapping
// ErrRange.
func parseID(s string) (id int, numeric bool, err error) {
	if !looksNumeric(s) {
		return 0, false, nil
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil || n < minID || n > maxID {
		return 0, true, fmt.Errorf("id %q: %w", s, ErrRange)
	}
	return int(n), true, nil
}

// looksNumeric reports whether s is an optional '+' or '-' followed by one
// or more ASCII digits.
func looksNumeric(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkRange returns an error wrapping ErrRange when id is not a valid
// uid/gid; what names the source of the id in the message.
func checkRange(what string, id int) error {
	if id < minID || id > maxID {
		return fmt.Errorf("%s has id %d: %w", what, id, ErrRange)
	}
	return nil
}

package user

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ParseSubIDFile parses the subuid/subgid-formatted file at path.
func ParseSubIDFile(path string) ([]SubID, error) {
	return ParseSubIDFileFilter(path, nil)
}

// ParseSubID parses subuid/subgid-formatted data ("name:start:count"
// lines).
func ParseSubID(subid io.Reader) ([]SubID, error) {
	return ParseSubIDFilter(subid, nil)
}

// ParseSubIDFileFilter parses the subuid/subgid-formatted file at path and
// returns the entries for which filter returns true (all when filter is
// nil).
func ParseSubIDFileFilter(path string, filter func(SubID) bool) ([]SubID, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseSubIDFilter(f, filter)
}

// ParseSubIDFilter parses subuid/subgid-formatted data and returns the
// entries for which filter returns true (all when filter is nil). Blank
// lines and "#" comments are skipped; malformed numbers become 0. A nil
// reader is an error.
func ParseSubIDFilter(r io.Reader, filter func(SubID) bool) ([]SubID, error) {
	if r == nil {
		return nil, errors.New("nil source for subid-formatted data")
	}
	var out []SubID
	err := eachLine(r, func(line []byte) {
		f := fields(line, 3)
		s := SubID{Name: f[0], SubID: atoi64(f[1]), Count: atoi64(f[2])}
		if filter == nil || filter(s) {
			out = append(out, s)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("read subid data: %w", err)
	}
	return out, nil
}

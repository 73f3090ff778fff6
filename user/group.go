package user

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ParseGroupFile parses the group-formatted file at path.
func ParseGroupFile(path string) ([]Group, error) {
	return ParseGroupFileFilter(path, nil)
}

// ParseGroup parses group-formatted data ("name:pass:gid:member,member"
// lines).
func ParseGroup(group io.Reader) ([]Group, error) {
	return ParseGroupFilter(group, nil)
}

// ParseGroupFileFilter parses the group-formatted file at path and returns
// the entries for which filter returns true (all when filter is nil).
func ParseGroupFileFilter(path string, filter func(Group) bool) ([]Group, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseGroupFilter(f, filter)
}

// ParseGroupFilter parses group-formatted data and returns the entries for
// which filter returns true (all when filter is nil). Blank lines and "#"
// comments are skipped, very long lines (many members) are handled, a
// malformed gid becomes 0 and an empty member list is an empty, non-nil
// slice. A nil reader is an error.
func ParseGroupFilter(r io.Reader, filter func(Group) bool) ([]Group, error) {
	if r == nil {
		return nil, errors.New("nil source for group-formatted data")
	}
	var out []Group
	err := eachLine(r, func(line []byte) {
		f := fields(line, 4)
		g := Group{
			Name: f[0],
			Pass: f[1],
			Gid:  atoi(f[2]),
			List: []string{},
		}
		if f[3] != "" {
			g.List = strings.Split(f[3], ",")
		}
		if filter == nil || filter(g) {
			out = append(out, g)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("read group data: %w", err)
	}
	return out, nil
}

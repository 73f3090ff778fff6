package user

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ParseIDMapFile parses the uid_map/gid_map-formatted file at path, such
// as /proc/self/uid_map.
func ParseIDMapFile(path string) ([]IDMap, error) {
	return ParseIDMapFileFilter(path, nil)
}

// ParseIDMap parses uid_map/gid_map-formatted data ("id parentID count"
// lines, fields separated by white space).
func ParseIDMap(idMap io.Reader) ([]IDMap, error) {
	return ParseIDMapFilter(idMap, nil)
}

// ParseIDMapFileFilter parses the uid_map/gid_map-formatted file at path
// and returns the entries for which filter returns true (all when filter
// is nil).
func ParseIDMapFileFilter(path string, filter func(IDMap) bool) ([]IDMap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseIDMapFilter(f, filter)
}

// ParseIDMapFilter parses uid_map/gid_map-formatted data and returns the
// entries for which filter returns true (all when filter is nil). Blank
// lines are skipped; malformed or missing numbers become 0. A nil reader
// is an error.
func ParseIDMapFilter(r io.Reader, filter func(IDMap) bool) ([]IDMap, error) {
	if r == nil {
		return nil, errors.New("nil source for idmap-formatted data")
	}
	var out []IDMap
	err := eachLine(r, func(line []byte) {
		f := append(strings.Fields(string(line)), "", "", "")
		m := IDMap{ID: atoi64(f[0]), ParentID: atoi64(f[1]), Count: atoi64(f[2])}
		if filter == nil || filter(m) {
			out = append(out, m)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("read idmap data: %w", err)
	}
	return out, nil
}

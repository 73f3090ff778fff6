package user

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ParsePasswdFile parses the passwd-formatted file at path.
func ParsePasswdFile(path string) ([]User, error) {
	return ParsePasswdFileFilter(path, nil)
}

// ParsePasswd parses passwd-formatted data
// ("name:pass:uid:gid:gecos:home:shell" lines).
func ParsePasswd(passwd io.Reader) ([]User, error) {
	return ParsePasswdFilter(passwd, nil)
}

// ParsePasswdFileFilter parses the passwd-formatted file at path and
// returns the entries for which filter returns true (all when filter is
// nil).
func ParsePasswdFileFilter(path string, filter func(User) bool) ([]User, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParsePasswdFilter(f, filter)
}

// ParsePasswdFilter parses passwd-formatted data and returns the entries
// for which filter returns true (all when filter is nil). Blank lines and
// "#" comments are skipped; missing fields are empty and malformed ids
// become 0. A nil reader is an error.
func ParsePasswdFilter(r io.Reader, filter func(User) bool) ([]User, error) {
	if r == nil {
		return nil, errors.New("nil source for passwd-formatted data")
	}
	var out []User
	err := eachLine(r, func(line []byte) {
		f := fields(line, 7)
		u := User{
			Name:  f[0],
			Pass:  f[1],
			Uid:   atoi(f[2]),
			Gid:   atoi(f[3]),
			Gecos: f[4],
			Home:  f[5],
			Shell: f[6],
		}
		if filter == nil || filter(u) {
			out = append(out, u)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("read passwd data: %w", err)
	}
	return out, nil
}

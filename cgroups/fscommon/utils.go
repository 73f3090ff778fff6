package fscommon

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
)

// Deprecated aliases of the cgroups file helpers, kept for API compatibility.
var (
	// Deprecated: use cgroups.OpenFile.
	OpenFile = cgroups.OpenFile
	// Deprecated: use cgroups.ReadFile.
	ReadFile = cgroups.ReadFile
	// Deprecated: use cgroups.WriteFile.
	WriteFile = cgroups.WriteFile
)

// ErrNotValidFormat is wrapped by parse errors of malformed cgroup files.
var ErrNotValidFormat = errors.New("line is not a valid key value format")

// ParseError reports that the content of a cgroup file could not be parsed.
type ParseError struct {
	Path string
	File string
	Err  error
}

// Error implements error: "unable to parse <path>/<file>: <err>".
func (e *ParseError) Error() string {
	return "unable to parse " + path.Join(e.Path, e.File) + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// ParseUint parses s as an unsigned integer; negative numbers (which some
// counters transiently report) become 0.
func ParseUint(s string, base, bitSize int) (uint64, error) {
	v, err := strconv.ParseUint(s, base, bitSize)
	if err != nil {
		iv, ierr := strconv.ParseInt(s, base, bitSize)
		if ierr == nil && iv < 0 {
			return 0, nil
		}
		var ne *strconv.NumError
		if errors.As(ierr, &ne) && ne.Err == strconv.ErrRange && strings.HasPrefix(s, "-") {
			return 0, nil
		}
		return 0, err
	}
	return v, nil
}

// ParseKeyValue parses a "key value" line with an unsigned value.
func ParseKeyValue(t string) (string, uint64, error) {
	key, val, ok := strings.Cut(t, " ")
	if !ok || key == "" || strings.Contains(val, " ") {
		return "", 0, fmt.Errorf("%w: %q", ErrNotValidFormat, t)
	}
	v, err := ParseUint(val, 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("%w: %q: %w", ErrNotValidFormat, t, err)
	}
	return key, v, nil
}

// GetValueByKey returns the value of key in a flat keyed file
// ("key value" lines), or 0 when the key is absent.
func GetValueByKey(path, file, key string) (uint64, error) {
	content, err := cgroups.ReadFile(path, file)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(content, "\n") {
		k, v, ok := strings.Cut(line, " ")
		if !ok || k != key {
			continue
		}
		val, err := ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return 0, &ParseError{Path: path, File: file, Err: err}
		}
		return val, nil
	}
	return 0, nil
}

// GetCgroupParamUint reads a single unsigned value from a cgroup file;
// "max" reads as math.MaxUint64.
func GetCgroupParamUint(path, file string) (uint64, error) {
	s, err := GetCgroupParamString(path, file)
	if err != nil {
		return 0, err
	}
	if s == "max" {
		return math.MaxUint64, nil
	}
	v, err := ParseUint(s, 10, 64)
	if err != nil {
		return 0, &ParseError{Path: path, File: file, Err: err}
	}
	return v, nil
}

// GetCgroupParamInt reads a single signed value from a cgroup file; "max"
// reads as math.MaxInt64.
func GetCgroupParamInt(path, file string) (int64, error) {
	s, err := GetCgroupParamString(path, file)
	if err != nil {
		return 0, err
	}
	if s == "max" {
		return math.MaxInt64, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &ParseError{Path: path, File: file, Err: err}
	}
	return v, nil
}

// GetCgroupParamString reads a cgroup file and returns its content with
// surrounding white space trimmed.
func GetCgroupParamString(path, file string) (string, error) {
	s, err := cgroups.ReadFile(path, file)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(s), nil
}

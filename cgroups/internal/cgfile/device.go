package cgfile

import (
	"fmt"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
)

// ParseDevice parses s, the "major:minor" key of a line of dir/file (the
// blkio statistics files of v1, io.stat of v2). A malformed key is a
// *fscommon.ParseError naming the file.
func ParseDevice(dir, file, s string) (major, minor uint64, err error) {
	majS, minS, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, &fscommon.ParseError{Path: dir, File: file, Err: fmt.Errorf("bad device %q", s)}
	}
	if major, err = fscommon.ParseUint(majS, 10, 64); err != nil {
		return 0, 0, &fscommon.ParseError{Path: dir, File: file, Err: err}
	}
	if minor, err = fscommon.ParseUint(minS, 10, 64); err != nil {
		return 0, 0, &fscommon.ParseError{Path: dir, File: file, Err: err}
	}
	return major, minor, nil
}

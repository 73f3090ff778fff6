package cgfile

import (
	"bufio"
	"strings"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/cgroups/fscommon"
)

// ReadKeyed reads the flat keyed file dir/file ("key value" lines, such as
// cpu.stat or memory.stat) and calls fn with each pair in file order. A
// line that is not "key value" with an unsigned value stops the reading
// with a *fscommon.ParseError (the pairs before it have been passed to
// fn). The error of reading the file is returned as it is, so a missing
// file satisfies errors.Is(err, fs.ErrNotExist).
func ReadKeyed(dir, file string, fn func(key string, val uint64)) error {
	content, err := cgroups.ReadFile(dir, file)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(strings.NewReader(content))
	for sc.Scan() {
		k, v, err := fscommon.ParseKeyValue(sc.Text())
		if err != nil {
			return &fscommon.ParseError{Path: dir, File: file, Err: err}
		}
		fn(k, v)
	}
	return nil
}

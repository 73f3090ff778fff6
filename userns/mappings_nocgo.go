//go:build linux && !cgo

package userns

import (
	"errors"
	"os"
)

// mapReaderAvailable tells whether readMapsInNS can work in this build.
const mapReaderAvailable = false

// readMapsInNS needs a single-threaded child to setns(2) into the user
// namespace, which this build (without cgo) cannot create.
func readMapsInNS(*os.File) (string, string, error) {
	return "", "", errors.New("reading the mappings of a user namespace that is not a /proc/<pid>/ns/user path needs a build with cgo")
}

//go:build !linux || !cgo

package seccomp

import (
	"errors"

	"github.com/b7f961b7/libcontainer/configs"
)

// ErrSeccompNotEnabled is returned by InitSeccomp when a config is given but
// the package was built without seccomp support (cgo disabled).
var ErrSeccompNotEnabled = errors.New("seccomp: config provided but seccomp not supported")

// Enabled reports whether this build can load seccomp filters.
const Enabled = false

// InitSeccomp returns ErrSeccompNotEnabled for a non-nil config and does
// nothing for a nil one: this build cannot load seccomp filters.
func InitSeccomp(config *configs.Seccomp) (int, error) {
	if config != nil {
		return -1, ErrSeccompNotEnabled
	}
	return -1, nil
}

// Version returns 0, 0, 0: no libseccomp is linked into this build.
func Version() (uint, uint, uint) {
	return 0, 0, 0
}

// Filter is never built in this build; it exists so that callers compile.
type Filter struct{}

// Compile returns ErrSeccompNotEnabled: this build cannot load seccomp
// filters.
func Compile(config *configs.Seccomp) (*Filter, error) {
	return nil, ErrSeccompNotEnabled
}

// NeedsListener reports false: no filter exists in this build.
func (f *Filter) NeedsListener() bool { return false }

// Load returns ErrSeccompNotEnabled.
func (f *Filter) Load() (int, error) {
	return -1, ErrSeccompNotEnabled
}

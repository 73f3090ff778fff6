//go:build linux && !cgo

package userns

import (
	"strings"
	"testing"
)

func TestMapReaderWithoutCgoSaysSo(t *testing.T) {
	_, _, err := readMapsInNS(nil)
	if err == nil || !strings.Contains(err.Error(), "needs a build with cgo") {
		t.Errorf("err = %v, want an error saying cgo is needed", err)
	}
}

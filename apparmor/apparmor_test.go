package apparmor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestApplyProfile(t *testing.T) {
	if IsEnabled() {
		t.Skip("AppArmor is enabled on this host; these cases are about a host without it")
	}
	t.Run("an empty profile does nothing", func(t *testing.T) {
		if err := ApplyProfile(""); err != nil {
			t.Errorf("ApplyProfile(\"\") = %v, want nil", err)
		}
	})
	t.Run("a profile without AppArmor is ErrApparmorNotEnabled", func(t *testing.T) {
		err := ApplyProfile("x")
		if !errors.Is(err, ErrApparmorNotEnabled) || !strings.Contains(err.Error(), `"x"`) {
			t.Errorf("ApplyProfile(x) = %v, want ErrApparmorNotEnabled naming the profile", err)
		}
	})
}

func TestIsEnabledMatchesHost(t *testing.T) {
	_, statErr := os.Stat("/sys/kernel/security/apparmor")
	data, _ := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	want := statErr == nil && strings.HasPrefix(string(data), "Y")
	if got := IsEnabled(); got != want {
		t.Errorf("IsEnabled() = %v, host says %v", got, want)
	}
}

func TestWriteExecAttr(t *testing.T) {
	t.Run("a file that is not on procfs is refused and left untouched", func(t *testing.T) {
		fake := filepath.Join(t.TempDir(), "exec")
		if err := os.WriteFile(fake, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		err := writeExecAttr([]string{fake}, "exec evil")
		if err == nil || !strings.Contains(err.Error(), "not on procfs") {
			t.Errorf("err = %v, want not-on-procfs refusal", err)
		}
		if data, _ := os.ReadFile(fake); len(data) != 0 {
			t.Errorf("fake attr file got %q", data)
		}
	})
	t.Run("missing candidates fall through to the next one", func(t *testing.T) {
		err := writeExecAttr([]string{"/proc/thread-self/attr/nonexistent", "/nonexistent"}, "exec x")
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("err = %v, want not-exist", err)
		}
	})
	t.Run("the kernel's answer from the real attr file is reported", func(t *testing.T) {
		if IsEnabled() {
			t.Skip("AppArmor is enabled: writing would really change this thread's exec label")
		}
		// Without AppArmor the LSM layer refuses the value; the error
		// must come back instead of a silent success.
		if err := writeExecAttr([]string{"/proc/thread-self/attr/exec"}, "exec x"); err == nil {
			t.Error("write to /proc/thread-self/attr/exec without AppArmor succeeded")
		}
	})
}

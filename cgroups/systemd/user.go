package systemd

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"
	dbus "github.com/godbus/dbus/v5"

	"github.com/b7f961b7/libcontainer/cgroups/internal/userns"
)

// DetectUID returns the uid, outside any user namespace, that a rootless
// caller's systemd user instance runs as: the host uid mapped to our uid
// (or our uid itself outside a user namespace).
func DetectUID() (int, error) {
	uid := os.Getuid()
	if !userns.RunningInUserNS() {
		return uid, nil
	}
	f, err := os.Open("/proc/self/uid_map")
	if err != nil {
		return -1, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		var inside, outside, length int64
		if _, err := fmt.Sscan(s.Text(), &inside, &outside, &length); err != nil {
			continue
		}
		if int64(uid) >= inside && int64(uid) < inside+length {
			return int(outside + int64(uid) - inside), nil
		}
	}
	return -1, fmt.Errorf("uid %d is not mapped in /proc/self/uid_map", uid)
}

// DetectUserDbusSessionBusAddress returns the address of the caller's
// D-Bus session bus: $DBUS_SESSION_BUS_ADDRESS, else
// $XDG_RUNTIME_DIR/bus, else /run/user/<uid>/bus when it exists.
func DetectUserDbusSessionBusAddress() (string, error) {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" {
		return a, nil
	}
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		p := filepath.Join(d, "bus")
		if _, err := os.Stat(p); err == nil {
			return "unix:path=" + p, nil
		}
	}
	uid, err := DetectUID()
	if err != nil {
		return "", err
	}
	p := filepath.Join("/run/user", strconv.Itoa(uid), "bus")
	if _, err := os.Stat(p); err == nil {
		return "unix:path=" + p, nil
	}
	return "", errors.New("could not find the D-Bus session bus: set DBUS_SESSION_BUS_ADDRESS or XDG_RUNTIME_DIR")
}

// newUserConnection connects to the systemd user instance of the caller,
// authenticating as the host uid.
func newUserConnection() (*systemdDbus.Conn, error) {
	addr, err := DetectUserDbusSessionBusAddress()
	if err != nil {
		return nil, err
	}
	uid, err := DetectUID()
	if err != nil {
		return nil, err
	}
	return systemdDbus.NewConnection(func() (*dbus.Conn, error) {
		conn, err := dbus.Dial(addr)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", addr, err)
		}
		if err := conn.Auth([]dbus.Auth{dbus.AuthExternal(strconv.Itoa(uid))}); err != nil {
			conn.Close()
			return nil, fmt.Errorf("authenticate to %s as uid %d: %w", addr, uid, err)
		}
		if err := conn.Hello(); err != nil {
			conn.Close()
			return nil, fmt.Errorf("hello to %s: %w", addr, err)
		}
		return conn, nil
	})
}

package systemd

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	systemdDbus "github.com/coreos/go-systemd/v22/dbus"
	dbus "github.com/godbus/dbus/v5"
)

// unitTimeout bounds how long a unit start or stop job may take.
const unitTimeout = 30 * time.Second

// dbusConn shares one connection to systemd (system or user instance) and
// reconnects once when it finds the connection closed.
type dbusConn struct {
	rootless bool
	mu       sync.Mutex
	conn     *systemdDbus.Conn
	version  int
}

var (
	systemConn = &dbusConn{}
	userConn   = &dbusConn{rootless: true}
)

// connFor returns the shared connection for a rootful or rootless manager.
func connFor(rootless bool) *dbusConn {
	if rootless {
		return userConn
	}
	return systemConn
}

// get returns a live connection, dialling when needed.
func (d *dbusConn) get() (*systemdDbus.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil && d.conn.Connected() {
		return d.conn, nil
	}
	if !IsRunningSystemd() {
		return nil, ErrNotRunning
	}
	var conn *systemdDbus.Conn
	var err error
	if d.rootless {
		conn, err = newUserConnection()
	} else {
		// The context lives as long as the connection: godbus closes
		// the connection when it is cancelled, so it must not be one
		// with a timeout.
		conn, err = systemdDbus.NewWithContext(context.Background())
	}
	if err != nil {
		return nil, fmt.Errorf("connect to systemd over D-Bus: %w", err)
	}
	d.conn = conn
	d.version = 0
	return conn, nil
}

// retry runs op with a connection, reconnecting once if the connection
// turned out to be closed.
func (d *dbusConn) retry(op func(*systemdDbus.Conn) error) error {
	for i := 0; ; i++ {
		conn, err := d.get()
		if err != nil {
			return err
		}
		err = op(conn)
		if i == 0 && errors.Is(err, dbus.ErrClosed) {
			d.mu.Lock()
			if d.conn == conn {
				d.conn = nil
			}
			d.mu.Unlock()
			continue
		}
		return err
	}
}

// systemdVersion returns the major version of the connected systemd, or 0
// when it cannot be told.
func (d *dbusConn) systemdVersion() int {
	d.mu.Lock()
	v := d.version
	d.mu.Unlock()
	if v != 0 {
		return v
	}
	var s string
	err := d.retry(func(c *systemdDbus.Conn) error {
		var err error
		s, err = c.GetManagerProperty("Version")
		return err
	})
	if err != nil {
		return 0
	}
	v = parseVersion(s)
	d.mu.Lock()
	d.version = v
	d.mu.Unlock()
	return v
}

// parseVersion extracts the leading number of a systemd version string
// such as "\"v245.4-1ubuntu3\"" or "\"252\"".
func parseVersion(s string) int {
	s = strings.Trim(s, "\"")
	s = strings.TrimPrefix(s, "v")
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	v, err := strconv.Atoi(s[:end])
	if err != nil {
		return 0
	}
	return v
}

// isUnitExists reports whether err says the unit already exists.
func isUnitExists(err error) bool {
	var de dbus.Error
	if errors.As(err, &de) {
		return de.Name == "org.freedesktop.systemd1.UnitExists"
	}
	return false
}

// isNoSuchUnit reports whether err says the unit is unknown.
func isNoSuchUnit(err error) bool {
	var de dbus.Error
	if errors.As(err, &de) {
		return de.Name == "org.freedesktop.systemd1.NoSuchUnit"
	}
	return false
}

// startUnit starts the transient unit with props and waits for the job.
// An already existing unit is accepted.
func startUnit(d *dbusConn, unit string, props []systemdDbus.Property) error {
	ch := make(chan string, 1)
	err := d.retry(func(c *systemdDbus.Conn) error {
		ctx, cancel := context.WithTimeout(context.Background(), unitTimeout)
		defer cancel()
		_, err := c.StartTransientUnitContext(ctx, unit, "replace", props, ch)
		return err
	})
	if err != nil {
		if isUnitExists(err) {
			return nil
		}
		return fmt.Errorf("start transient unit %s: %w", unit, err)
	}
	select {
	case s := <-ch:
		if s != "done" {
			resetFailedUnit(d, unit)
			return fmt.Errorf("start transient unit %s: job result %q", unit, s)
		}
	case <-time.After(unitTimeout):
		return fmt.Errorf("start transient unit %s: timed out after %v", unit, unitTimeout)
	}
	return nil
}

// stopUnit stops the unit and waits for the job; an unknown unit is fine.
func stopUnit(d *dbusConn, unit string) error {
	ch := make(chan string, 1)
	err := d.retry(func(c *systemdDbus.Conn) error {
		ctx, cancel := context.WithTimeout(context.Background(), unitTimeout)
		defer cancel()
		_, err := c.StopUnitContext(ctx, unit, "replace", ch)
		return err
	})
	if err != nil {
		if isNoSuchUnit(err) {
			return nil
		}
		return fmt.Errorf("stop unit %s: %w", unit, err)
	}
	select {
	case s := <-ch:
		if s != "done" && s != "skipped" {
			return fmt.Errorf("stop unit %s: job result %q", unit, s)
		}
	case <-time.After(unitTimeout):
		return fmt.Errorf("stop unit %s: timed out after %v", unit, unitTimeout)
	}
	resetFailedUnit(d, unit)
	return nil
}

// resetFailedUnit clears a failed unit so its name can be reused.
func resetFailedUnit(d *dbusConn, unit string) {
	_ = d.retry(func(c *systemdDbus.Conn) error {
		ctx, cancel := context.WithTimeout(context.Background(), unitTimeout)
		defer cancel()
		return c.ResetFailedUnitContext(ctx, unit)
	})
}

// setUnitProperties changes properties of a running unit.
func setUnitProperties(d *dbusConn, unit string, props ...systemdDbus.Property) error {
	if len(props) == 0 {
		return nil
	}
	err := d.retry(func(c *systemdDbus.Conn) error {
		ctx, cancel := context.WithTimeout(context.Background(), unitTimeout)
		defer cancel()
		return c.SetUnitPropertiesContext(ctx, unit, true, props...)
	})
	if err != nil {
		return fmt.Errorf("set properties of unit %s: %w", unit, err)
	}
	return nil
}

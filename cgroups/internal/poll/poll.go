// Package poll waits for a cgroup state change the kernel makes
// asynchronously (a freeze completing), with the short exponential
// backoff both freezer drivers use.
package poll

import "time"

// Until calls check until it reports done or fails, sleeping between
// calls from 100µs, doubling up to 10ms. Once timeout has passed since
// Until was called and check still reports not done, Until returns false
// with a nil error; the caller decides what a timeout means.
func Until(timeout time.Duration, check func() (done bool, err error)) (bool, error) {
	deadline := time.Now().Add(timeout)
	delay := 100 * time.Microsecond
	for {
		done, err := check()
		if err != nil || done {
			return done, err
		}
		if time.Now().After(deadline) {
			return false, nil
		}
		time.Sleep(delay)
		if delay < 10*time.Millisecond {
			delay *= 2
		}
	}
}

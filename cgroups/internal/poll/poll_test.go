package poll

import (
	"errors"
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	errBroken := errors.New("broken")
	tests := []struct {
		name      string
		doneAfter int // calls until check reports done; 0 = never
		failAt    int // call at which check fails; 0 = never
		timeout   time.Duration
		wantDone  bool
		wantErr   error
		wantCalls int // 0 = at least two (it kept polling)
	}{
		{"returns at once when already done", 1, 0, time.Second, true, nil, 1},
		{"polls until check reports done", 5, 0, time.Second, true, nil, 5},
		{"stops at the first error", 0, 3, time.Second, false, errBroken, 3},
		{"reports a timeout as not done without error", 0, 0, 20 * time.Millisecond, false, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			start := time.Now()
			done, err := Until(tc.timeout, func() (bool, error) {
				calls++
				if calls == tc.failAt {
					return false, errBroken
				}
				return calls == tc.doneAfter, nil
			})
			if done != tc.wantDone || !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("Until = %v, %v; want %v, %v", done, err, tc.wantDone, tc.wantErr)
			}
			if tc.wantCalls != 0 && calls != tc.wantCalls {
				t.Errorf("check called %d times, want %d", calls, tc.wantCalls)
			}
			if tc.wantCalls == 0 {
				if calls < 2 {
					t.Errorf("check called %d times before the timeout, want several", calls)
				}
				if elapsed := time.Since(start); elapsed < tc.timeout {
					t.Errorf("gave up after %v, before the %v timeout", elapsed, tc.timeout)
				}
			}
		})
	}
}

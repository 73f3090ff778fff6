package integration

import "time"

// waitABit is the one sleep of the test helpers: destroyContainer polls a
// dying container's status with it.
func waitABit() { time.Sleep(10 * time.Millisecond) }

//go:build !cgo

package specconv

// haveCgo tells tests whether userns can read mappings through arbitrary
// namespace paths (its helper needs cgo).
const haveCgo = false

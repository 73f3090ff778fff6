// Package fscommon holds the parsing and file helpers shared by the v1
// (fs) and v2 (fs2) cgroupfs drivers.
package fscommon

// Package cgfile reads and writes the cgroupfs interface files whose
// format the v1 (fs) and v2 (fs2) drivers share: flat keyed files,
// "major:minor" device keys, the pids files and the hugetlb limits. Each
// helper does what both drivers did on their own before, so that the two
// cannot drift apart.
package cgfile

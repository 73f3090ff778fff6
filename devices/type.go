package devices

// Wildcard is the Major or Minor value of a Rule that matches every number.
const Wildcard = -1

// Type is the kind of a device node, stored as the single letter the
// cgroup device controller uses. It serialises to JSON as a number.
type Type rune

// The device types understood by this package.
const (
	// WildcardDevice matches every device type in a cgroup rule ('a').
	WildcardDevice Type = 'a'
	// BlockDevice is a block special file ('b').
	BlockDevice Type = 'b'
	// CharDevice is a character special file ('c').
	CharDevice Type = 'c'
	// FifoDevice is a named pipe ('p'); it can be created but has no
	// cgroup rule.
	FifoDevice Type = 'p'
)

// IsValid reports whether t is one of the four known device types.
func (t Type) IsValid() bool {
	switch t {
	case WildcardDevice, BlockDevice, CharDevice, FifoDevice:
		return true
	}
	return false
}

// CanMknod reports whether a node of type t can be created with mknod(2).
func (t Type) CanMknod() bool {
	switch t {
	case BlockDevice, CharDevice, FifoDevice:
		return true
	}
	return false
}

// CanCgroup reports whether t may appear in a cgroup device rule.
func (t Type) CanCgroup() bool {
	switch t {
	case WildcardDevice, BlockDevice, CharDevice:
		return true
	}
	return false
}

package devices

// Permissions is a set of cgroup device access letters: 'r' (read),
// 'w' (write) and 'm' (mknod). The canonical spelling lists the present
// letters in the order r, w, m without repetition.
type Permissions string

// permission bits used for the set algebra below.
const (
	permRead uint8 = 1 << iota
	permWrite
	permMknod
)

// permLetters maps each bit to its letter, in canonical order.
var permLetters = [...]struct {
	bit    uint8
	letter rune
}{
	{permRead, 'r'},
	{permWrite, 'w'},
	{permMknod, 'm'},
}

// bits returns the set of known letters in p; unknown letters are ignored.
func (p Permissions) bits() uint8 {
	var set uint8
	for _, c := range p {
		for _, pl := range permLetters {
			if c == pl.letter {
				set |= pl.bit
			}
		}
	}
	return set
}

// permissionsFromBits spells a bit set canonically.
func permissionsFromBits(set uint8) Permissions {
	out := make([]byte, 0, len(permLetters))
	for _, pl := range permLetters {
		if set&pl.bit != 0 {
			out = append(out, byte(pl.letter))
		}
	}
	return Permissions(out)
}

// Union returns the letters present in p or o, canonically ordered.
func (p Permissions) Union(o Permissions) Permissions {
	return permissionsFromBits(p.bits() | o.bits())
}

// Difference returns the letters present in p but not in o, canonically
// ordered.
func (p Permissions) Difference(o Permissions) Permissions {
	return permissionsFromBits(p.bits() &^ o.bits())
}

// Intersection returns the letters present in both p and o, canonically
// ordered.
func (p Permissions) Intersection(o Permissions) Permissions {
	return permissionsFromBits(p.bits() & o.bits())
}

// IsEmpty reports whether p is the empty string.
func (p Permissions) IsEmpty() bool {
	return p == ""
}

// IsValid reports whether p is already in canonical form: only the
// letters r, w and m, each at most once, in that order. The empty set is
// valid.
func (p Permissions) IsValid() bool {
	return p == permissionsFromBits(p.bits())
}

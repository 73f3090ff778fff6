package utils

import "encoding/binary"

// NativeEndian is the byte order of the machine the program runs on. The
// bootstrap netlink messages exchanged with nsenter use it.
var NativeEndian binary.ByteOrder = binary.NativeEndian

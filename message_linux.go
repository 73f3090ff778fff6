package libcontainer

import (
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Netlink message and attribute types of the bootstrap message the parent
// sends to nsenter. The values are part of the v1.1 API.
const (
	InitMsg          uint16 = 62000
	CloneFlagsAttr   uint16 = 27281
	NsPathsAttr      uint16 = 27282
	UidmapAttr       uint16 = 27283
	GidmapAttr       uint16 = 27284
	SetgroupAttr     uint16 = 27285
	OomScoreAdjAttr  uint16 = 27286
	RootlessEUIDAttr uint16 = 27287
	UidmapPathAttr   uint16 = 27288
	GidmapPathAttr   uint16 = 27289
	MountSourcesAttr uint16 = 27290
	// TimeOffsetsAttr carries the lines written to /proc/self/timens_offsets
	// of a new time namespace (beyond v1.1).
	TimeOffsetsAttr uint16 = 27291
)

// maxAttrLen is the largest payload one netlink attribute can carry: its
// length field has 16 bits (CVE-2021-43784: never let a value overflow it).
const maxAttrLen = 0xffff - unix.NLA_HDRLEN - 1

// Int32msg is a bootstrap attribute holding a 32-bit value.
type Int32msg struct {
	Type  uint16
	Value uint32
}

// Serialize encodes the attribute in native byte order.
func (msg *Int32msg) Serialize() []byte {
	buf := make([]byte, msg.Len())
	native := nl.NativeEndian()
	native.PutUint16(buf[0:2], uint16(msg.Len()))
	native.PutUint16(buf[2:4], msg.Type)
	native.PutUint32(buf[4:8], msg.Value)
	return buf
}

// Len is the encoded length: a 4-byte header and 4 bytes of value.
func (msg *Int32msg) Len() int {
	return unix.NLA_HDRLEN + 4
}

// Bytemsg is a bootstrap attribute holding bytes; the encoding adds a NUL.
type Bytemsg struct {
	Type  uint16
	Value []byte
}

// Serialize encodes the attribute, NUL-terminated and padded to 4 bytes. It
// panics on a value too long for the 16-bit length; newBootstrap checks the
// length first and returns an error instead.
func (msg *Bytemsg) Serialize() []byte {
	l := msg.Len()
	if len(msg.Value) > maxAttrLen {
		panic(fmt.Sprintf("netlink attribute %d: value of %d bytes is too long", msg.Type, len(msg.Value)))
	}
	buf := make([]byte, (l+unix.NLA_ALIGNTO-1) & ^(unix.NLA_ALIGNTO-1))
	native := nl.NativeEndian()
	native.PutUint16(buf[0:2], uint16(l))
	native.PutUint16(buf[2:4], msg.Type)
	copy(buf[4:], msg.Value)
	return buf
}

// Len is the encoded length without padding: header, value and NUL.
func (msg *Bytemsg) Len() int {
	return unix.NLA_HDRLEN + len(msg.Value) + 1
}

// Boolmsg is a bootstrap attribute holding a boolean as a 32-bit 0 or 1.
type Boolmsg struct {
	Type  uint16
	Value bool
}

// Serialize encodes the attribute.
func (msg *Boolmsg) Serialize() []byte {
	buf := make([]byte, msg.Len())
	native := nl.NativeEndian()
	native.PutUint16(buf[0:2], uint16(msg.Len()))
	native.PutUint16(buf[2:4], msg.Type)
	if msg.Value {
		native.PutUint32(buf[4:8], 1)
	}
	return buf
}

// Len is the encoded length: a 4-byte header and 4 bytes of value.
func (msg *Boolmsg) Len() int {
	return unix.NLA_HDRLEN + 4
}

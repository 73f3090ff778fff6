package specconv

import (
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// flagOption is a mount option word that sets or clears an MS_* flag.
type flagOption struct {
	clear bool
	flag  int
}

// flagOptions are the fstab-style words that map to mount(2) flags.
var flagOptions = map[string]flagOption{
	"acl":           {false, unix.MS_POSIXACL},
	"async":         {true, unix.MS_SYNCHRONOUS},
	"atime":         {true, unix.MS_NOATIME},
	"bind":          {false, unix.MS_BIND},
	"defaults":      {false, 0},
	"dev":           {true, unix.MS_NODEV},
	"diratime":      {true, unix.MS_NODIRATIME},
	"dirsync":       {false, unix.MS_DIRSYNC},
	"exec":          {true, unix.MS_NOEXEC},
	"iversion":      {false, unix.MS_I_VERSION},
	"lazytime":      {false, unix.MS_LAZYTIME},
	"loud":          {true, unix.MS_SILENT},
	"mand":          {false, unix.MS_MANDLOCK},
	"noacl":         {true, unix.MS_POSIXACL},
	"noatime":       {false, unix.MS_NOATIME},
	"nodev":         {false, unix.MS_NODEV},
	"nodiratime":    {false, unix.MS_NODIRATIME},
	"noexec":        {false, unix.MS_NOEXEC},
	"noiversion":    {true, unix.MS_I_VERSION},
	"nolazytime":    {true, unix.MS_LAZYTIME},
	"nomand":        {true, unix.MS_MANDLOCK},
	"norelatime":    {true, unix.MS_RELATIME},
	"nostrictatime": {true, unix.MS_STRICTATIME},
	"nosuid":        {false, unix.MS_NOSUID},
	"nosymfollow":   {false, unix.MS_NOSYMFOLLOW},
	"rbind":         {false, unix.MS_BIND | unix.MS_REC},
	"relatime":      {false, unix.MS_RELATIME},
	"remount":       {false, unix.MS_REMOUNT},
	"ro":            {false, unix.MS_RDONLY},
	"rw":            {true, unix.MS_RDONLY},
	"silent":        {false, unix.MS_SILENT},
	"strictatime":   {false, unix.MS_STRICTATIME},
	"suid":          {true, unix.MS_NOSUID},
	"sync":          {false, unix.MS_SYNCHRONOUS},
	"symfollow":     {true, unix.MS_NOSYMFOLLOW},
}

// propagationOptions are the mount option words that change propagation;
// rootPropagation adds "" (leave the propagation alone) for
// linux.rootfsPropagation.
var propagationOptions = map[string]int{
	"private":     unix.MS_PRIVATE,
	"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
	"shared":      unix.MS_SHARED,
	"rshared":     unix.MS_SHARED | unix.MS_REC,
	"slave":       unix.MS_SLAVE,
	"rslave":      unix.MS_SLAVE | unix.MS_REC,
	"unbindable":  unix.MS_UNBINDABLE,
	"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// recAttrOption is an "r"-prefixed option word applied recursively with
// mount_setattr(2).
type recAttrOption struct {
	clear bool
	attr  uint64
}

// recAttrOptions are the recursive mount attribute words.
var recAttrOptions = map[string]recAttrOption{
	"rro":            {false, unix.MOUNT_ATTR_RDONLY},
	"rrw":            {true, unix.MOUNT_ATTR_RDONLY},
	"rnosuid":        {false, unix.MOUNT_ATTR_NOSUID},
	"rsuid":          {true, unix.MOUNT_ATTR_NOSUID},
	"rnodev":         {false, unix.MOUNT_ATTR_NODEV},
	"rdev":           {true, unix.MOUNT_ATTR_NODEV},
	"rnoexec":        {false, unix.MOUNT_ATTR_NOEXEC},
	"rexec":          {true, unix.MOUNT_ATTR_NOEXEC},
	"rnodiratime":    {false, unix.MOUNT_ATTR_NODIRATIME},
	"rdiratime":      {true, unix.MOUNT_ATTR_NODIRATIME},
	"rrelatime":      {false, unix.MOUNT_ATTR_RELATIME},
	"rnorelatime":    {true, unix.MOUNT_ATTR_RELATIME},
	"rnoatime":       {false, unix.MOUNT_ATTR_NOATIME},
	"ratime":         {true, unix.MOUNT_ATTR_NOATIME},
	"rstrictatime":   {false, unix.MOUNT_ATTR_STRICTATIME},
	"rnostrictatime": {true, unix.MOUNT_ATTR_STRICTATIME},
	"rnosymfollow":   {false, unix.MOUNT_ATTR_NOSYMFOLLOW},
	"rsymfollow":     {true, unix.MOUNT_ATTR_NOSYMFOLLOW},
}

// atimeRecAttrs are the recursive attributes that select the atime mode;
// the kernel wants the whole MOUNT_ATTR__ATIME field cleared to change it.
var atimeRecAttrs = map[string]bool{
	"rrelatime": true, "rnorelatime": true,
	"rnoatime": true, "ratime": true,
	"rstrictatime": true, "rnostrictatime": true,
}

// extensionOptions are libcontainer's own option words.
var extensionOptions = map[string]int{
	"tmpcopyup": configs.EXT_COPYUP,
}

// idmapOptions are the idmapped-mount option words (runtime-spec v1.2+);
// the value says whether the mapping applies to submounts too.
var idmapOptions = map[string]bool{
	"idmap":  false,
	"ridmap": true,
}

// mountOptions is the result of parsing a spec mount's options.
type mountOptions struct {
	flags       int
	propagation []int
	data        string
	extensions  int
	recAttr     *unix.MountAttr
	idmap       bool
	idmapRec    bool
}

// parseMountOptions sorts option words into flags, propagation, recursive
// attributes, extensions and idmap requests; every other word is passed on
// to the filesystem as data, joined with ",".
func parseMountOptions(options []string) mountOptions {
	var (
		parsed mountOptions
		data   []string
	)
	for _, o := range options {
		if f, ok := flagOptions[o]; ok {
			if f.clear {
				parsed.flags &^= f.flag
			} else {
				parsed.flags |= f.flag
			}
			continue
		}
		if p, ok := propagationOptions[o]; ok {
			parsed.propagation = append(parsed.propagation, p)
			continue
		}
		if a, ok := recAttrOptions[o]; ok {
			if parsed.recAttr == nil {
				parsed.recAttr = &unix.MountAttr{}
			}
			applyRecAttr(parsed.recAttr, a, atimeRecAttrs[o])
			continue
		}
		if e, ok := extensionOptions[o]; ok {
			parsed.extensions |= e
			continue
		}
		if rec, ok := idmapOptions[o]; ok {
			parsed.idmap = true
			parsed.idmapRec = rec
			continue
		}
		data = append(data, o)
	}
	parsed.data = strings.Join(data, ",")
	return parsed
}

// applyRecAttr records one recursive attribute word in attr.
func applyRecAttr(attr *unix.MountAttr, a recAttrOption, atime bool) {
	if atime {
		attr.Attr_clr |= unix.MOUNT_ATTR__ATIME
		attr.Attr_set &^= unix.MOUNT_ATTR__ATIME
		if !a.clear {
			attr.Attr_set |= a.attr
		}
		return
	}
	if a.clear {
		attr.Attr_clr |= a.attr
		attr.Attr_set &^= a.attr
	} else {
		attr.Attr_set |= a.attr
		attr.Attr_clr &^= a.attr
	}
}

// KnownMountOptions returns, sorted, every mount option word that
// CreateLibcontainerConfig interprets itself (flags, propagation,
// recursive attributes, extensions and idmap); other words are passed to
// the filesystem as data.
func KnownMountOptions() []string {
	var names []string
	for k := range flagOptions {
		names = append(names, k)
	}
	for k := range propagationOptions {
		names = append(names, k)
	}
	for k := range recAttrOptions {
		names = append(names, k)
	}
	for k := range extensionOptions {
		names = append(names, k)
	}
	for k := range idmapOptions {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

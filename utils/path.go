package utils

import (
	"path/filepath"
	"strings"
)

// CleanPath cleans path lexically and never lets it climb above its start:
// "" stays "", an absolute path is cleaned as usual, and a relative path is
// cleaned as if it were rooted at "/" and then made relative again, so
// "../../a" becomes "a" and "a/../.." becomes ".".
func CleanPath(path string) string {
	if path == "" {
		return ""
	}
	path = filepath.Clean(path)
	if filepath.IsAbs(path) {
		return path
	}
	rooted := filepath.Clean(string(filepath.Separator) + path)
	rel, err := filepath.Rel(string(filepath.Separator), rooted)
	if err != nil {
		// Rel of two absolute, cleaned paths cannot fail; keep the rooted
		// form rather than returning something that could escape.
		return rooted
	}
	return rel
}

// IsLexicallyInRoot reports whether path equals root or lies below it,
// comparing the strings component-wise without touching the filesystem
// (so "/rootfs2" is not inside "/rootfs", and everything is inside "/").
// Both arguments are expected to be clean absolute paths.
func IsLexicallyInRoot(root, path string) bool {
	if root != "/" {
		root += "/"
	}
	if path != "/" {
		path += "/"
	}
	return strings.HasPrefix(path, root)
}

// stripRoot turns a path that is lexically inside root into the
// corresponding path relative to root ("/"-prefixed); any other path is
// returned cleaned, to be interpreted relative to root. This lets callers
// pass either a container path ("/etc") or a host path under the root
// ("<root>/etc").
func stripRoot(root, path string) string {
	root = filepath.Clean(root)
	path = filepath.Clean(string(filepath.Separator) + path)
	switch {
	case root == "/":
		return path
	case path == root:
		return "/"
	case strings.HasPrefix(path, root+"/"):
		return strings.TrimPrefix(path, root)
	}
	return path
}

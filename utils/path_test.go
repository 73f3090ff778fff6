package utils

import "testing"

func TestCleanPath(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty stays empty", "", ""},
		{"root stays root", "/", "/"},
		{"absolute path is cleaned", "/a//b/./c/", "/a/b/c"},
		{"absolute dotdot stops at root", "/../../a", "/a"},
		{"relative path stays relative", "a/b", "a/b"},
		{"relative dotdot cannot climb", "../../a", "a"},
		{"relative path that cancels out becomes dot", "a/../..", "."},
		{"dot stays dot", ".", "."},
		{"inner dotdot is resolved", "a/b/../c", "a/c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanPath(tt.in); got != tt.want {
				t.Errorf("CleanPath(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsLexicallyInRoot(t *testing.T) {
	tests := []struct {
		name, root, path string
		want             bool
	}{
		{"the root itself is inside", "/rootfs", "/rootfs", true},
		{"a child is inside", "/rootfs", "/rootfs/etc", true},
		{"a sibling with a common prefix is outside", "/rootfs", "/rootfs2/etc", false},
		{"the parent is outside", "/rootfs", "/", false},
		{"everything is inside slash", "/", "/etc/passwd", true},
		{"slash is inside slash", "/", "/", true},
		{"an unrelated path is outside", "/a/b", "/a/c", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsLexicallyInRoot(tt.root, tt.path); got != tt.want {
				t.Errorf("IsLexicallyInRoot(%q, %q) = %v, want %v", tt.root, tt.path, got, tt.want)
			}
		})
	}
}

func TestStripRoot(t *testing.T) {
	tests := []struct {
		name, root, path, want string
	}{
		{"a host path under root loses the root prefix", "/rootfs", "/rootfs/etc/hosts", "/etc/hosts"},
		{"the root itself becomes slash", "/rootfs", "/rootfs", "/"},
		{"a container path is kept", "/rootfs", "/etc/hosts", "/etc/hosts"},
		{"a relative path is made absolute", "/rootfs", "etc/hosts", "/etc/hosts"},
		{"a sibling prefix is not stripped", "/rootfs", "/rootfs2/x", "/rootfs2/x"},
		{"slash as root keeps the path", "/", "/etc", "/etc"},
		{"dotdot cannot climb above the root", "/rootfs", "../../etc", "/etc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stripRoot(tt.root, tt.path); got != tt.want {
				t.Errorf("stripRoot(%q, %q) = %q, want %q", tt.root, tt.path, got, tt.want)
			}
		})
	}
}

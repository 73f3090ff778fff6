package utils

import (
	"maps"
	"testing"
)

func TestSearchLabels(t *testing.T) {
	labels := []string{"bundle=/run/b", "noequals", "key=a=b", "empty=", "dup=1", "dup=2"}
	tests := []struct {
		name, query, want string
	}{
		{"a present key returns its value", "bundle", "/run/b"},
		{"a value may contain equals signs", "key", "a=b"},
		{"an empty value is returned as empty", "empty", ""},
		{"the first of repeated keys wins", "dup", "1"},
		{"a missing key returns empty", "missing", ""},
		{"an entry without equals never matches", "noequals", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SearchLabels(labels, tt.query); got != tt.want {
				t.Errorf("SearchLabels(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestAnnotations(t *testing.T) {
	tests := []struct {
		name       string
		labels     []string
		wantBundle string
		wantAnn    map[string]string
	}{
		{"nil labels give an empty map", nil, "", map[string]string{}},
		{"bundle is split out", []string{"bundle=/b", "a=1"}, "/b", map[string]string{"a": "1"}},
		{"entries without equals are skipped", []string{"junk", "b=2"}, "", map[string]string{"b": "2"}},
		{"values keep their equals signs", []string{"c=x=y"}, "", map[string]string{"c": "x=y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bundle, ann := Annotations(tt.labels)
			if bundle != tt.wantBundle {
				t.Errorf("bundle = %q, want %q", bundle, tt.wantBundle)
			}
			if ann == nil || !maps.Equal(ann, tt.wantAnn) {
				t.Errorf("annotations = %#v, want %#v", ann, tt.wantAnn)
			}
		})
	}
}

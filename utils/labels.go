package utils

import "strings"

// SearchLabels returns the value of the first "key=value" entry of labels
// whose key equals query, or "" when there is none. Entries without "=" are
// ignored.
func SearchLabels(labels []string, query string) string {
	for _, l := range labels {
		key, value, ok := strings.Cut(l, "=")
		if ok && key == query {
			return value
		}
	}
	return ""
}

// Annotations splits container labels ("key=value" strings) into the bundle
// path (the value of the "bundle" key) and a map of all other annotations.
// Entries without "=" are ignored; for a repeated key the last one wins.
// The returned map is never nil.
func Annotations(labels []string) (bundle string, userAnnotations map[string]string) {
	userAnnotations = make(map[string]string)
	for _, l := range labels {
		key, value, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		if key == "bundle" {
			bundle = value
			continue
		}
		userAnnotations[key] = value
	}
	return bundle, userAnnotations
}

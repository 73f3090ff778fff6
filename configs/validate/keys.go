package validate

import "sort"

// sortedKeys returns the keys of m in sorted order, so checks over maps
// report problems deterministically.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

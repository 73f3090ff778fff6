package utils

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON marshals v and writes the result to w in a single Write call,
// without a trailing newline, so a reader on a pipe or socket sees one
// complete JSON document per write.
func WriteJSON(w io.Writer, v interface{}) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("marshal %T to json: %w", v, err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

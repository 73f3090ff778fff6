package utils

import (
	"strings"
	"testing"
)

type writeCounter struct {
	writes []string
}

func (w *writeCounter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestWriteJSON(t *testing.T) {
	t.Run("a value is written in one write without newline", func(t *testing.T) {
		var w writeCounter
		if err := WriteJSON(&w, map[string]int{"a": 1}); err != nil {
			t.Fatal(err)
		}
		if len(w.writes) != 1 || w.writes[0] != `{"a":1}` {
			t.Errorf("writes = %q, want one write of {\"a\":1}", w.writes)
		}
	})
	t.Run("an unmarshalable value is an error and writes nothing", func(t *testing.T) {
		var w writeCounter
		err := WriteJSON(&w, make(chan int))
		if err == nil || !strings.Contains(err.Error(), "chan int") {
			t.Errorf("err = %v, want a marshal error naming chan int", err)
		}
		if len(w.writes) != 0 {
			t.Errorf("writes = %q, want none", w.writes)
		}
	})
}

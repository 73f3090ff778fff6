// Package logs forwards the log lines a container-side process writes as
// JSON ({"level":"debug","msg":"..."}, logrus level names) to the host
// process's log/slog default logger.
package logs

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
)

// entry is one forwarded log line.
type entry struct {
	Level string `json:"level"`
	Msg   string `json:"msg"`
}

// ForwardLogs reads logPipe line by line until end of file and logs each
// line through slog's default logger at its level; a line that is not JSON
// is logged as an error. It closes logPipe when done. The returned channel
// receives the read error (nil at a clean end of file) and is then closed.
func ForwardLogs(logPipe io.ReadCloser) chan error {
	done := make(chan error, 1)
	go func() {
		defer close(done)
		defer logPipe.Close()
		s := bufio.NewScanner(logPipe)
		s.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for s.Scan() {
			processEntry(s.Bytes())
		}
		done <- s.Err()
	}()
	return done
}

// processEntry logs one JSON line.
func processEntry(text []byte) {
	if len(text) == 0 {
		return
	}
	var e entry
	if err := json.Unmarshal(text, &e); err != nil {
		slog.Error("failed to decode log line from child", "line", string(text), "error", err)
		return
	}
	slog.Log(context.Background(), levelOf(e.Level), e.Msg)
}

// levelOf maps logrus level names to slog levels.
func levelOf(name string) slog.Level {
	switch name {
	case "trace", "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warning", "warn":
		return slog.LevelWarn
	default: // error, fatal, panic and anything unknown
		return slog.LevelError
	}
}

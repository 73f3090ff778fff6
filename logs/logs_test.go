package logs

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestForwardLogs(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })

	in := `{"level":"debug","msg":"nsexec: started"}
{"level":"warning","msg":"careful"}
not json
{"level":"error","msg":"boom"}
`
	if err := <-ForwardLogs(io.NopCloser(strings.NewReader(in))); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`level=DEBUG msg="nsexec: started"`,
		`level=WARN msg=careful`,
		`level=ERROR msg="failed to decode log line from child" line="not json"`,
		`level=ERROR msg=boom`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("forwarded logs lack %q:\n%s", want, out)
		}
	}
}

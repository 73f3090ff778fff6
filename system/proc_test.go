package system

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// 20 fields after the name: state, then fields 4..21, then start time
	// (22) and more.
	tail := func(state string, start string) string {
		return " " + state + " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 " + start + " 23 24\n"
	}
	tests := []struct {
		name    string
		data    string
		want    Stat_t
		wantErr string
	}{
		{name: "a plain name is parsed",
			data: "42 (bash)" + tail("S", "12345"),
			want: Stat_t{Name: "bash", State: Sleeping, StartTime: 12345}},
		{name: "a name with spaces is parsed",
			data: "42 (my prog)" + tail("R", "7"),
			want: Stat_t{Name: "my prog", State: Running, StartTime: 7}},
		{name: "a name with parentheses uses the last closing one",
			data: "42 (a) (b) S c)" + tail("Z", "99"),
			want: Stat_t{Name: "a) (b) S c", State: Zombie, StartTime: 99}},
		{name: "an empty name is parsed",
			data: "42 ()" + tail("I", "1"),
			want: Stat_t{Name: "", State: Idle, StartTime: 1}},
		{name: "a start time near the uint64 limit is parsed",
			data: "1 (x)" + tail("t", "18446744073709551615"),
			want: Stat_t{Name: "x", State: TracingStop, StartTime: 18446744073709551615}},
		{name: "missing parentheses are an error",
			data: "42 bash S 1", wantErr: "no command name"},
		{name: "too few fields are an error",
			data: "42 (bash) S 1 2 3", wantErr: "only 4 fields"},
		{name: "a state of more than one letter is an error",
			data: "42 (bash)" + tail("SS", "1"), wantErr: "not one letter"},
		{name: "a malformed start time is an error",
			data: "42 (bash)" + tail("S", "12x"), wantErr: "start time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat(tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestStateString(t *testing.T) {
	tests := map[State]string{
		Dead: "dead", DiskSleep: "disk sleep", Running: "running", Sleeping: "sleeping",
		Stopped: "stopped", TracingStop: "tracing stop", Zombie: "zombie", Parked: "parked",
		Idle: "idle", State('Q'): "unknown (Q)",
	}
	for s, want := range tests {
		t.Run(string(s)+" reads as "+want, func(t *testing.T) {
			if got := s.String(); got != want {
				t.Errorf("State(%c).String() = %q, want %q", s, got, want)
			}
		})
	}
}

func TestStat(t *testing.T) {
	t.Run("the test process is running or sleeping with a start time", func(t *testing.T) {
		st, err := Stat(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if (st.State != Running && st.State != Sleeping) || st.StartTime == 0 || st.Name == "" {
			t.Errorf("Stat(self) = %+v", st)
		}
	})
	t.Run("a process whose name has spaces and parentheses is parsed", func(t *testing.T) {
		sleep, err := exec.LookPath("sleep")
		if err != nil {
			t.Skip("no sleep binary in PATH")
		}
		link := filepath.Join(t.TempDir(), "a) (b c")
		if err := os.Symlink(sleep, link); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(link, "10")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		var st Stat_t
		for i := 0; i < 100; i++ {
			if st, err = Stat(cmd.Process.Pid); err == nil && st.Name == "a) (b c" {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil || st.Name != "a) (b c" {
			t.Errorf("Stat = %+v, %v; want name %q", st, err, "a) (b c")
		}
	})
	t.Run("a killed but unreaped child is a zombie", func(t *testing.T) {
		cmd := exec.Command("sleep", "10")
		if err := cmd.Start(); err != nil {
			t.Skipf("cannot start sleep: %v", err)
		}
		defer cmd.Wait()
		cmd.Process.Kill()
		var st Stat_t
		var err error
		for i := 0; i < 200; i++ {
			if st, err = Stat(cmd.Process.Pid); err == nil && st.State == Zombie {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if st.State != Zombie {
			t.Errorf("state = %v, %v; want zombie", st.State, err)
		}
	})
	t.Run("a pid that does not exist is an error", func(t *testing.T) {
		if _, err := Stat(1 << 30); !os.IsNotExist(err) {
			t.Errorf("err = %v, want not-exist", err)
		}
	})
}

package v1paths

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

func TestSetError(t *testing.T) {
	cause := errors.New("write failed")
	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"keeps the error of a controller with a directory", "/sys/fs/cgroup/pids/x", "write failed"},
		{"says the cgroup is missing for a controller without one", "", "cannot set pids limit: container could not join or create cgroup: write failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := SetError("pids", tc.dir, cause)
			if err.Error() != tc.want || !errors.Is(err, cause) {
				t.Errorf("SetError = %v, want %q wrapping the cause", err, tc.want)
			}
		})
	}
}

func TestGetPathsReturnsACopy(t *testing.T) {
	p := &Paths{Dirs: map[string]string{"memory": "/m"}}
	cp := p.GetPaths()
	cp["memory"] = "/changed"
	if got := p.Path("memory"); got != "/m" {
		t.Errorf("Path(memory) = %q after changing the copy, want /m", got)
	}
}

func TestFreezer(t *testing.T) {
	tests := []struct {
		name      string
		dirs      map[string]string
		wantPath  string
		wantErr   error
		wantState configs.FreezerState
	}{
		{"without a freezer cgroup: ErrNoFreezer and Undefined", map[string]string{"memory": "/m"}, "", ErrNoFreezer, configs.Undefined},
		{"with one: its path and what get reads there", map[string]string{"freezer": "/f"}, "/f", nil, configs.Frozen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &Paths{Dirs: tc.dirs}
			path, err := p.FreezerPath()
			if path != tc.wantPath || !errors.Is(err, tc.wantErr) {
				t.Errorf("FreezerPath = %q, %v; want %q, %v", path, err, tc.wantPath, tc.wantErr)
			}
			var asked []string
			st, err := p.FreezerState(func(dir string) (configs.FreezerState, error) {
				asked = append(asked, dir)
				return configs.Frozen, nil
			})
			if err != nil || st != tc.wantState {
				t.Errorf("FreezerState = %q, %v; want %q", st, err, tc.wantState)
			}
			if tc.wantPath == "" && len(asked) != 0 {
				t.Errorf("get called with %v without a freezer cgroup", asked)
			}
		})
	}
}

// recorder is a StatsReader that records the directories it is asked
// about and fails for the name "broken".
type recorder struct {
	name  string
	asked *[]string
}

func (r recorder) Name() string { return r.name }

func (r recorder) GetStats(dir string, _ *cgroups.Stats) error {
	*r.asked = append(*r.asked, r.name+"="+filepath.Base(dir))
	if r.name == "broken" {
		return errors.New("broken stats")
	}
	return nil
}

func TestGetStatsVisitsExistingDirectoriesInOrder(t *testing.T) {
	dir := t.TempDir()
	var asked []string
	subs := []recorder{{"cpu", &asked}, {"gone", &asked}, {"none", &asked}, {"memory", &asked}}
	p := &Paths{Dirs: map[string]string{"cpu": dir, "memory": dir, "gone": filepath.Join(dir, "missing")}}
	stats, err := GetStats(p, subs)
	if err != nil || stats == nil {
		t.Fatalf("GetStats = %v, %v", stats, err)
	}
	want := []string{"cpu=" + filepath.Base(dir), "memory=" + filepath.Base(dir)}
	if !reflect.DeepEqual(asked, want) {
		t.Errorf("asked %v, want %v", asked, want)
	}
	p.Dirs["broken"] = dir
	if _, err := GetStats(p, []recorder{{"broken", &asked}}); err == nil || !strings.Contains(err.Error(), "broken stats") {
		t.Errorf("GetStats with a failing controller: %v", err)
	}
}

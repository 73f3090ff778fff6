package configs

import (
	"math"
	"strings"
	"testing"
)

func TestHostIDMapping(t *testing.T) {
	userns := Namespaces{{Type: NEWUSER}}
	mapped := Config{
		Namespaces:  userns,
		UidMappings: []IDMap{{ContainerID: 0, HostID: 100000, Size: 1000}, {ContainerID: 1000, HostID: 5000, Size: 1}},
		GidMappings: []IDMap{{ContainerID: 0, HostID: 200000, Size: 10}},
	}
	tests := []struct {
		name    string
		cfg     Config
		gid     bool
		id      int
		want    int
		wantErr string
	}{
		{name: "without a user namespace uid is identity", cfg: Config{}, id: 42, want: 42},
		{name: "without a user namespace gid is identity", cfg: Config{}, gid: true, id: 42, want: 42},
		{name: "root uid maps to the first range", cfg: mapped, id: 0, want: 100000},
		{name: "last uid of a range maps", cfg: mapped, id: 999, want: 100999},
		{name: "uid in the second range maps", cfg: mapped, id: 1000, want: 5000},
		{name: "gid maps through gid ranges", cfg: mapped, gid: true, id: 9, want: 200009},
		{name: "unmapped uid is an error", cfg: mapped, id: 1001, wantErr: "no user mapping found"},
		{name: "unmapped gid is an error", cfg: mapped, gid: true, id: 10, wantErr: "no group mapping found"},
		{name: "missing uid mappings are an error", cfg: Config{Namespaces: userns}, id: 0, wantErr: "no uid mappings found"},
		{name: "missing gid mappings are an error", cfg: Config{Namespaces: userns}, gid: true, id: 0, wantErr: "no gid mappings found"},
		{
			name:    "host id beyond int range is an error",
			cfg:     Config{Namespaces: userns, UidMappings: []IDMap{{ContainerID: 0, HostID: math.MaxInt64 - 1, Size: 10}}},
			id:      5,
			wantErr: "too large",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got int
			var err error
			if tt.gid {
				got, err = tt.cfg.HostGID(tt.id)
			} else {
				got, err = tt.cfg.HostUID(tt.id)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %d, %v; want %d", got, err, tt.want)
			}
		})
	}
	t.Run("root helpers map id zero", func(t *testing.T) {
		u, errU := mapped.HostRootUID()
		g, errG := mapped.HostRootGID()
		if errU != nil || errG != nil || u != 100000 || g != 200000 {
			t.Errorf("HostRootUID/GID = %d,%v %d,%v", u, errU, g, errG)
		}
	})
}

package specconv

import (
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestKnownNamespaces(t *testing.T) {
	want := []string{"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"}
	if got := KnownNamespaces(); !reflect.DeepEqual(got, want) {
		t.Fatalf("KnownNamespaces() = %v, want %v", got, want)
	}
}

func TestCreateNamespaces(t *testing.T) {
	tests := []struct {
		name    string
		in      []specs.LinuxNamespace
		want    configs.Namespaces
		wantErr string
	}{
		{
			name: "every OCI namespace maps to its libcontainer type",
			in: []specs.LinuxNamespace{
				{Type: "pid"}, {Type: "network", Path: "/var/run/netns/x"}, {Type: "mount"}, {Type: "ipc"},
				{Type: "uts"}, {Type: "user"}, {Type: "cgroup"}, {Type: "time"},
			},
			want: configs.Namespaces{
				{Type: configs.NEWPID}, {Type: configs.NEWNET, Path: "/var/run/netns/x"}, {Type: configs.NEWNS},
				{Type: configs.NEWIPC}, {Type: configs.NEWUTS}, {Type: configs.NEWUSER}, {Type: configs.NEWCGROUP},
				{Type: configs.NEWTIME},
			},
		},
		{name: "an unknown namespace is refused", in: []specs.LinuxNamespace{{Type: "pid"}, {Type: "bogus"}},
			wantErr: `linux.namespaces[1]: namespace "bogus" does not exist`},
		{name: "a repeated namespace is refused", in: []specs.LinuxNamespace{{Type: "ipc"}, {Type: "ipc", Path: "/x"}},
			wantErr: `linux.namespaces[1]: malformed spec file: duplicated ns "ipc"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := createNamespaces(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

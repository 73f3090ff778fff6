package specconv

import (
	"reflect"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/configs"
)

func TestCreateHooks(t *testing.T) {
	hookTimeout := 5 * time.Second
	tests := []struct {
		name    string
		in      *specs.Hooks
		want    map[configs.HookName][]configs.Command
		wantErr string
	}{
		{name: "no hooks give an empty set", in: nil, want: map[configs.HookName][]configs.Command{}},
		{
			name: "each hook kind becomes command hooks in order",
			in: &specs.Hooks{
				Prestart:        []specs.Hook{{Path: "/bin/a", Args: []string{"a", "1"}, Env: []string{"X=1"}}},
				CreateRuntime:   []specs.Hook{{Path: "/bin/b"}, {Path: "/bin/c"}},
				CreateContainer: []specs.Hook{{Path: "/bin/d"}},
				StartContainer:  []specs.Hook{{Path: "/bin/e"}},
				Poststart:       []specs.Hook{{Path: "/bin/f", Timeout: ptr(5)}},
				Poststop:        []specs.Hook{{Path: "/bin/g"}},
			},
			want: map[configs.HookName][]configs.Command{
				configs.Prestart:        {{Path: "/bin/a", Args: []string{"a", "1"}, Env: []string{"X=1"}}},
				configs.CreateRuntime:   {{Path: "/bin/b"}, {Path: "/bin/c"}},
				configs.CreateContainer: {{Path: "/bin/d"}},
				configs.StartContainer:  {{Path: "/bin/e"}},
				configs.Poststart:       {{Path: "/bin/f", Timeout: &hookTimeout}},
				configs.Poststop:        {{Path: "/bin/g"}},
			},
		},
		{name: "a relative hook path is refused", in: &specs.Hooks{Poststop: []specs.Hook{{Path: "bin/x"}}},
			wantErr: `hooks.poststop[0]: path "bin/x" is not absolute`},
		{name: "a zero timeout is refused", in: &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/x"}, {Path: "/y", Timeout: ptr(0)}}},
			wantErr: "hooks.createRuntime[1]: timeout 0 must be greater than zero"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hooks, err := createHooks(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[configs.HookName][]configs.Command{}
			for name, list := range hooks {
				for _, h := range list {
					ch, ok := h.(configs.CommandHook)
					if !ok {
						t.Fatalf("%s hook is %T, want configs.CommandHook", name, h)
					}
					got[name] = append(got[name], ch.Command)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

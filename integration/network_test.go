package integration

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
)

// enterTestNetns moves the test's goroutine, locked to its OS thread for
// good, into a new network namespace of its own: the "host side" of the
// containers the test makes. Processes and netlink sockets the test (and
// the library, called from this goroutine) creates are in it; nothing is
// added to the machine's namespace, and the namespace dies with the thread
// when the test ends. Call it first, before anything that needs it, and
// keep netns-dependent calls (Create, Run, Stats, Destroy) on the test's
// goroutine.
func enterTestNetns(t *testing.T) {
	t.Helper()
	runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		t.Fatalf("unshare network namespace: %v", err)
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		t.Fatal(err)
	}
}

// addAddr adds the CIDR address to link.
func addAddr(t *testing.T, link netlink.Link, cidr string) {
	t.Helper()
	a, err := netlink.ParseAddr(cidr)
	if err != nil {
		t.Fatal(err)
	}
	if err := netlink.AddrAdd(link, a); err != nil {
		t.Fatalf("add %s to %s: %v", cidr, link.Attrs().Name, err)
	}
}

// execOutput runs args in the running container c and returns its stdout;
// the process must exit 0.
func execOutput(t *testing.T, c libcontainer.Container, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	p := &libcontainer.Process{Args: args, Env: standardEnvironment, Stdout: &out, Stderr: &errOut}
	if err := c.Run(p); err != nil {
		t.Fatalf("exec %v: %v", args, err)
	}
	if ps, err := p.Wait(); err != nil {
		t.Fatalf("exec %v: %s: %v (stderr %q)", args, exitOf(ps), err, errOut.String())
	}
	return out.String()
}

func TestLoopbackNetwork(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name     string
		networks []*configs.Network
		want     string
	}{
		{"the loopback strategy brings lo up and it carries traffic", []*configs.Network{{Type: "loopback"}}, "up reachable"},
		{"without it lo stays down", nil, "down unreachable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newTemplateConfig(t)
			cfg.Networks = tc.networks
			out := mustRun(t, cfg, "sh", "-c", `ip -o link show lo | grep -q '<.*UP.*>' && echo -n up || echo -n down
ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 && echo " reachable" || echo " unreachable"`)
			if got := strings.TrimSpace(out); got != tc.want {
				t.Fatalf("lo is %q, want %q", got, tc.want)
			}
		})
	}
}

// ifaceStats returns the counters Stats reports for host interface name.
func ifaceStats(t *testing.T, c libcontainer.Container, name string) (rx, tx uint64) {
	t.Helper()
	st, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range st.Interfaces {
		if i.Name == name {
			return i.RxBytes, i.TxBytes
		}
	}
	t.Fatalf("Stats has no interface %s: %+v", name, st.Interfaces)
	return 0, 0
}

func TestVethNetwork(t *testing.T) {
	requireRoot(t)
	enterTestNetns(t)
	// The host side: a bridge with the containers' gateway address, in
	// the test's own namespace. 169.254.200.0/24 exists only there.
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "libct-br0"}}
	if err := netlink.LinkAdd(br); err != nil {
		t.Fatal(err)
	}
	addAddr(t, br, "169.254.200.1/24")
	if err := netlink.LinkSetUp(br); err != nil {
		t.Fatal(err)
	}
	cfg := newTemplateConfig(t)
	cfg.Networks = append(cfg.Networks,
		&configs.Network{
			Type: "veth", Name: "eth0", HostInterfaceName: "libct-veth0", Bridge: "libct-br0",
			Address: "169.254.200.2/24", Gateway: "169.254.200.1", Mtu: 1400,
			MacAddress: "02:42:a9:fe:c8:02", HairpinMode: true,
		},
		// No bridge and no host name: the host end gets a generated name.
		&configs.Network{Type: "veth", Name: "eth1", Address: "169.254.220.2/24"},
	)
	cfg.Routes = []*configs.Route{{Destination: "169.254.210.0/24", Gateway: "169.254.200.1", InterfaceName: "eth0"}}
	c, _ := startLongRunning(t, cfg)

	host, err := netlink.LinkByName("libct-veth0")
	if err != nil {
		t.Fatalf("host end of the veth: %v", err)
	}
	if a := host.Attrs(); a.MasterIndex != br.Attrs().Index || a.OperState == netlink.OperDown || a.Flags&net.FlagUp == 0 {
		t.Errorf("host end: master %d (bridge %d), flags %v, state %v; want attached and up", a.MasterIndex, br.Attrs().Index, a.Flags, a.OperState)
	}
	if pi, err := netlink.LinkGetProtinfo(host); err != nil || !pi.Hairpin {
		t.Errorf("host end hairpin: %+v (%v), want on", pi, err)
	}
	links, err := netlink.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	var generated string
	for _, l := range links {
		if _, ok := l.(*netlink.Veth); ok && l.Attrs().Name != "libct-veth0" {
			generated = l.Attrs().Name
		}
	}
	if !strings.HasPrefix(generated, "veth") || len(generated) > 15 {
		t.Errorf("host end of the unnamed veth: %q, want a generated veth* name", generated)
	}

	out := execOutput(t, c, "sh", "-c", "ip -o link show eth0; ip -o -4 addr show eth0; ip -o -4 addr show eth1; ip route")
	for _, want := range []string{
		"mtu 1400", "link/ether 02:42:a9:fe:c8:02", "inet 169.254.200.2/24", "inet 169.254.220.2/24",
		"default via 169.254.200.1 dev eth0", "169.254.210.0/24 via 169.254.200.1 dev eth0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("container network lacks %q:\n%s", want, out)
		}
	}

	ln, err := net.Listen("tcp", "169.254.200.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	type conn struct {
		remote, line string
		err          error
	}
	got := make(chan conn, 1)
	go func() {
		cn, err := ln.Accept()
		if err != nil {
			got <- conn{err: err}
			return
		}
		defer cn.Close()
		_ = cn.SetDeadline(time.Now().Add(10 * time.Second))
		line, err := bufio.NewReader(cn).ReadString('\n')
		got <- conn{remote: cn.RemoteAddr().(*net.TCPAddr).IP.String(), line: line, err: err}
	}()
	rxBefore, txBefore := ifaceStats(t, c, "libct-veth0")
	port := ln.Addr().(*net.TCPAddr).Port
	execOutput(t, c, "sh", "-c", fmt.Sprintf("echo hello-from-container | nc -w 5 169.254.200.1 %d", port))
	r := <-got
	if r.err != nil || r.line != "hello-from-container\n" || r.remote != "169.254.200.2" {
		t.Fatalf("listener got %q from %s (%v), want hello-from-container from 169.254.200.2", r.line, r.remote, r.err)
	}
	rxAfter, txAfter := ifaceStats(t, c, "libct-veth0")
	if txAfter <= txBefore || rxAfter <= rxBefore {
		t.Fatalf("container counters did not grow: rx %d -> %d, tx %d -> %d", rxBefore, rxAfter, txBefore, txAfter)
	}
}

func TestNetDeviceMovesInAndBackOnDestroy(t *testing.T) {
	requireRoot(t)
	enterTestNetns(t)
	// A dummy device; kernels built without one get an ifb, another
	// virtual device that carries no traffic by itself.
	var dummy netlink.Link = &netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Name: "libct-dummy0"}}
	err := netlink.LinkAdd(dummy)
	if errors.Is(err, unix.EOPNOTSUPP) {
		dummy = &netlink.Ifb{LinkAttrs: netlink.LinkAttrs{Name: "libct-dummy0"}}
		err = netlink.LinkAdd(dummy)
	}
	if err != nil {
		t.Fatalf("create a virtual device: %v", err)
	}
	t.Cleanup(func() {
		if l, err := netlink.LinkByName("libct-dummy0"); err == nil {
			_ = netlink.LinkDel(l)
		}
	})
	addrs := []string{"10.200.1.1/24", "169.254.201.1/16"}
	for _, a := range addrs {
		addAddr(t, dummy, a)
	}
	cfg := newTemplateConfig(t)
	cfg.NetDevices = map[string]*configs.LinuxNetDevice{"libct-dummy0": {Name: "ctdummy0"}}
	f := newFactory(t)
	c, err := f.Create("netdev", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { destroyContainer(t, c) })
	p := &libcontainer.Process{Args: []string{"sleep", "1000"}, Env: standardEnvironment, Init: true}
	if err := c.Run(p); err != nil {
		t.Fatal(err)
	}
	if _, err := netlink.LinkByName("libct-dummy0"); err == nil {
		t.Error("the device is still on the host while the container runs")
	}
	out := execOutput(t, c, "ip", "-o", "addr", "show", "ctdummy0")
	for _, a := range addrs {
		if !strings.Contains(out, "inet "+a) {
			t.Errorf("the device in the container lacks %s:\n%s", a, out)
		}
	}
	// The init dies first: a virtual device would vanish with the
	// namespace were it not pinned. Then another object (as another
	// process would) destroys the container.
	if err := c.Signal(unix.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	_, _ = p.Wait()
	loaded, err := f.Load("netdev")
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.Destroy(); err != nil {
		t.Fatal(err)
	}
	back, err := netlink.LinkByName("libct-dummy0")
	if err != nil {
		t.Fatalf("the device did not come back after Destroy: %v", err)
	}
	list, err := netlink.AddrList(back, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, a := range list {
		have = append(have, a.IPNet.String())
	}
	if strings.Join(have, ",") != strings.Join(addrs, ",") {
		t.Errorf("the device came back with %v, want %v", have, addrs)
	}
	if _, err := os.Stat(f.(*libcontainer.LinuxFactory).Root + "/netdev"); !os.IsNotExist(err) {
		t.Errorf("state dir left: %v", err)
	}
}

func TestBadNetworkConfigFailsCleanly(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name string
		edit func(*configs.Config)
		want string
	}{
		{"a missing net device is named and nothing stays pinned", func(c *configs.Config) {
			c.NetDevices = map[string]*configs.LinuxNetDevice{"libct-nodev0": {}}
		}, `netDevices["libct-nodev0"]`},
		{"a missing bridge is named and the veth pair is removed", func(c *configs.Config) {
			c.Networks = append(c.Networks, &configs.Network{Type: "veth", Name: "eth0", HostInterfaceName: "libct-veth9", Bridge: "libct-nobr"})
		}, `bridge "libct-nobr"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			enterTestNetns(t)
			cfg := newTemplateConfig(t)
			tc.edit(cfg)
			f := newFactory(t)
			root := f.(*libcontainer.LinuxFactory).Root
			c, err := f.Create("badnet", cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { destroyContainer(t, c) })
			err = c.Run(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Init: true})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run: %v, want an error naming %s", err, tc.want)
			}
			if _, err := netlink.LinkByName("libct-veth9"); err == nil {
				t.Error("the host end of the veth pair is left")
			}
			if strings.Contains(readFile(t, "/proc/self/mountinfo"), root) {
				t.Error("a mount under the state directory is left")
			}
			if left := stateLeftBeyondStateJSON(root + "/badnet"); len(left) != 0 {
				t.Errorf("state left: %v", left)
			}
			assertNoCgroup(t, cfg)
		})
	}
}

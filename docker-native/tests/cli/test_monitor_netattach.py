"""berth-monitor's NET-ATTACH / NET-DETACH requests (docker network connect and
disconnect on a created or running container) and its udp published ports,
under each runtime of the `runtime` fixture. Traffic only goes to 127.0.0.1
and to the addresses of the tests' own bridges and namespaces."""
import os
import random
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import BUILD, BUSYBOX, NATIVE, mounts_under
from test_monitor import monitor, wait_for  # noqa: F401  (the fixture)
from test_monitor_netns import free_port, ip, join_netns, link_exists


@pytest.fixture
def bridges():
    """bridges() -> (name, "10.95.N"): a fresh bridge with 10.95.N.1/24, removed afterwards."""
    made = []

    def make():
        while True:
            n = random.randint(1, 250)
            name = f"bna{n}"
            if name not in made and not link_exists(name):
                break
        ip("link", "add", name, "type", "bridge")
        made.append(name)
        ip("addr", "add", f"10.95.{n}.1/24", "dev", name)
        ip("link", "set", name, "up")
        return name, f"10.95.{n}"

    yield make
    for name in made:
        ip("link", "del", name, check=False)


def veth_name(prefix):
    return f"{prefix}{random.randint(0, 99999)}"


def in_container(m, script):
    """Runs script in the container (runtime exec): its view of the network, not the host's."""
    r = m.runtime("exec", m.id, "sh", "-c", script, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    return r.stdout


def tcp_read(host, port, timeout=10):
    """What a server at host:port sends, retried while it does not listen yet."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=5) as c:
                data = b""
                while chunk := c.recv(4096):
                    data += chunk
                if data:
                    return data
        except OSError:
            pass
        assert time.monotonic() < deadline, f"nothing from {host}:{port}"
        time.sleep(0.1)


def net_attach(m, spec):
    return m.request(f"NET-ATTACH {spec}")


def end_container(m):
    os.kill(m.pid, signal.SIGKILL)
    return m.wait_exit()


# ---------------------------------------------------------------------------
# NET-ATTACH / NET-DETACH
# ---------------------------------------------------------------------------

def test_net_attach_and_detach_on_a_running_container(monitor, tmp_path, bridges):
    br1, net1 = bridges()
    br2, net2 = bridges()
    first, second, third = veth_name("vna"), veth_name("vnb"), veth_name("vnc")
    path = str(tmp_path / "netns")
    launch_spec = f"bridge={br1},host={first},ifname=eth0,addr={net1}.2/24,gateway={net1}.1"
    server = "while true; do nc -l -p 7777 -e echo hello-from-the-container; done"
    m = monitor(["sh", "-c", server], ["--netns", path, "--net-attach", launch_spec, "--start"], join_netns(path))
    m.launch()

    spec = f"bridge={br2},host={second},ifname=eth1,addr={net2}.2/24,gateway={net2}.1,mac=02:42:0a:5f:00:02,mtu=1400"
    assert net_attach(m, spec) == "OK\n"
    assert f"master {br2}" in ip("link", "show", second).stdout
    out = in_container(m, "ip -4 -o addr show eth1; cat /sys/class/net/eth1/address /sys/class/net/eth1/mtu "
                          "/sys/class/net/eth1/operstate; ip route")
    assert f"inet {net2}.2/24" in out
    assert "02:42:0a:5f:00:02\n1400\nup\n" in out
    # The namespace already had a default route: the new network's gateway does not replace it.
    assert f"default via {net1}.1 dev eth0" in out
    assert f"default via {net2}.1 " not in out
    # Reachable from the host through the new bridge.
    assert subprocess.run([BUSYBOX, "ping", "-c", "1", "-W", "2", f"{net2}.2"], capture_output=True).returncode == 0
    assert tcp_read(f"{net2}.2", 7777) == b"hello-from-the-container\n"

    assert m.request(f"NET-DETACH {second}") == "OK\n"
    assert not link_exists(second)
    assert "eth1" not in in_container(m, "ls /sys/class/net").split()
    assert m.request(f"NET-DETACH {second}") == "ERR no such attachment\n"
    # A launch attachment may be detached too.
    assert m.request(f"NET-DETACH {first}") == "OK\n"
    assert not link_exists(first)
    assert in_container(m, "ls /sys/class/net").split() == ["lo"]

    # One left attached goes with the container; with no default route left, its gateway is used.
    assert net_attach(m, f"bridge={br2},host={third},ifname=eth7,addr={net2}.7/24,gateway={net2}.1") == "OK\n"
    assert f"default via {net2}.1 dev eth7" in in_container(m, "ip route")
    assert tcp_read(f"{net2}.7", 7777) == b"hello-from-the-container\n"
    assert end_container(m)["exitCode"] == 137
    for name in (first, second, third):
        assert not link_exists(name)
    assert not os.path.lexists(path)
    assert mounts_under(path) == []


def test_net_attach_before_start(monitor, tmp_path, bridges):
    br, net = bridges()
    veth = veth_name("vnd")
    path = str(tmp_path / "netns")
    script = "cat /sys/class/net/eth0/address; ip -4 -o addr show eth0; ip route"
    m = monitor(["sh", "-c", script], ["--netns", path], join_netns(path))
    m.launch()
    assert m.runtime.state(m.id)["status"] == "created"
    spec = f"bridge={br},host={veth},ifname=eth0,addr={net}.9/24,gateway={net}.1,mac=02:42:0a:5f:00:09"
    assert net_attach(m, spec) == "OK\n"
    m.start()
    assert m.wait_exit()["exitCode"] == 0, m.text("stderr")
    out = m.text("stdout")
    assert out.startswith("02:42:0a:5f:00:09\n")
    assert f"inet {net}.9/24" in out
    assert f"default via {net}.1 dev eth0" in out
    assert not link_exists(veth)


def test_net_attach_failures_leave_nothing(monitor, tmp_path, bridges):
    br, net = bridges()
    good, taken, clash = veth_name("vne"), veth_name("vnf"), veth_name("vng")
    path = str(tmp_path / "netns")
    m = monitor(["sleep", "100"], ["--netns", path, "--start"], join_netns(path))
    m.launch()

    def interfaces():
        return sorted(in_container(m, "ls /sys/class/net").split())

    assert m.request("NET-DETACH nosuch0") == "ERR no such attachment\n"
    assert m.request("NET-DETACH") == "ERR usage: NET-DETACH <host-veth-name>\n"
    assert m.request("NET-ATTACH") == "ERR usage: NET-ATTACH <spec>\n"
    bad = [
        (f"bridge={br},host={clash},ifname=eth1,addr={net}.300/24", "not an IPv4"),
        (f"bridge={br},host={clash},ifname=eth1", "addr are required"),
        (f"bridge={br},host={clash},ifname=eth1,addr={net}.5/24,color=red", "unknown key"),
        (f"bridge={br},host=a b,ifname=eth1,addr={net}.5/24", "invalid interface name"),
        (f"bridge=nosuchbr9,host={clash},ifname=eth1,addr={net}.5/24", "nosuchbr9"),
        # Made, then refused inside the namespace (a multicast MAC): the pair is deleted again.
        (f"bridge={br},host={clash},ifname=eth1,addr={net}.5/24,mac=01:00:5e:00:00:01", "configure `eth1`"),
    ]
    for spec, message in bad:
        reply = net_attach(m, spec)
        assert reply.startswith("ERR ") and reply.endswith("\n") and message in reply, (spec, reply)
        assert not link_exists(clash), spec
        assert interfaces() == ["lo"], spec

    assert net_attach(m, f"bridge={br},host={good},ifname=eth1,addr={net}.5/24") == "OK\n"
    # The same host name again, and a name the container already has.
    reply = net_attach(m, f"bridge={br},host={good},ifname=eth2,addr={net}.6/24")
    assert reply == f"ERR `{good}` is already attached\n"
    reply = net_attach(m, f"bridge={br},host={clash},ifname=eth1,addr={net}.6/24")
    assert reply.startswith("ERR ") and "File exists" in reply, reply
    assert not link_exists(clash)
    assert interfaces() == ["eth1", "lo"]

    # A link of someone else's with the host end's name is refused and left as it was.
    ip("link", "add", taken, "type", "bridge")  # no dummy module here; any kind of link will do
    try:
        ip("link", "set", taken, "alias", "not-the-monitors")
        before = ip("-d", "link", "show", taken).stdout
        reply = net_attach(m, f"bridge={br},host={taken},ifname=eth3,addr={net}.7/24")
        assert reply == f"ERR interface `{taken}` already exists on the host\n"
        assert ip("-d", "link", "show", taken).stdout == before
        assert m.request(f"NET-DETACH {taken}") == "ERR no such attachment\n"
        assert link_exists(taken)
        assert interfaces() == ["eth1", "lo"]
    finally:
        ip("link", "del", taken, check=False)

    assert end_container(m)["exitCode"] == 137
    assert not link_exists(good) and not link_exists(clash)


def test_net_attach_needs_netns_and_a_live_container(monitor, bridges):
    br, net = bridges()
    veth = veth_name("vnh")
    m = monitor(["sleep", "100"], ["--start"])
    m.launch()
    reply = net_attach(m, f"bridge={br},host={veth},ifname=eth1,addr={net}.5/24")
    assert reply.startswith("ERR ") and "--netns" in reply, reply
    assert m.request(f"NET-DETACH {veth}") == "ERR no such attachment\n"
    assert not link_exists(veth)
    assert end_container(m)["exitCode"] == 137


def test_a_net_attach_with_every_field_at_its_longest_fits(monitor, tmp_path):
    n = random.randint(100, 250)
    bridge, veth, ifname = f"bnlongbridge{n}", f"vnlongveth{n:05d}", f"eth-long-name{n % 100:02d}"
    assert len(bridge) == len(veth) == len(ifname) == 15
    ip("link", "del", bridge, check=False)
    path = str(tmp_path / "netns")
    m = monitor(["sleep", "100"], ["--netns", path, "--start"], join_netns(path))
    m.launch()
    try:
        spec = (f"bridge={bridge},host={veth},ifname={ifname},addr=10.194.{n}.200/24,gateway=10.194.{n}.254,"
                f"mac=02:42:0a:5e:00:c8,mtu=65535,bridge-addr=10.194.{n}.254/24")
        assert len(f"NET-ATTACH {spec}") > 180
        assert net_attach(m, spec) == "OK\n"
        assert f"inet 10.194.{n}.200/24" in in_container(m, f"ip -4 -o addr show {ifname}")
        assert f"inet 10.194.{n}.254/24" in ip("-4", "-o", "addr", "show", bridge).stdout
        # The limit: 511 bytes before the newline.
        assert m.request("NET-ATTACH " + "x" * 500) == f"ERR `{'x' * 500}` is not key=value\n"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect(m.socket)
            s.sendall(b"NET-ATTACH " + b"x" * 501)  # all read before the reply, so no reset
            assert s.recv(100) == b"ERR request too long\n"
        assert end_container(m)["exitCode"] == 137
        assert not link_exists(veth)
    finally:
        ip("link", "del", bridge, check=False)


# ---------------------------------------------------------------------------
# udp published ports
# ---------------------------------------------------------------------------

# A UDP echo in the container's network namespace: busybox's nc has no UDP, so
# the host's python3 runs it there (nsenter --net), on the container's address.
# It answers in capitals, followed by the source port it saw, so a test tells the
# monitor's per-client sockets apart.
ECHO = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(65536)
    s.sendto(data.upper() + b" %d" % peer[1], peer)
"""


class UdpEcho:
    def __init__(self, netns, port):
        self.proc = subprocess.Popen(["nsenter", f"--net={netns}", sys.executable, "-c", ECHO, str(port)],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline() == "ready\n"

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def udp_ask(port, payload, sock=None, tries=20):
    """Sends payload to 127.0.0.1:port until a reply comes; returns (reply, its source)."""
    own = sock is None
    s = sock or socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(0.5)
        for _ in range(tries):
            s.sendto(payload, ("127.0.0.1", port))
            try:
                return s.recvfrom(65536)
            except socket.timeout:
                pass
        raise AssertionError(f"no reply from 127.0.0.1:{port}")
    finally:
        if own:
            s.close()


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def udp_port_free(port):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False


def launch_udp(monitor, tmp_path, bridges, argv=None):
    br, net = bridges()
    veth = veth_name("vnu")
    path = str(tmp_path / "netns")
    port = free_udp_port()
    spec = f"bridge={br},host={veth},ifname=eth0,addr={net}.2/24,gateway={net}.1"
    m = monitor(["sleep", "100"], ["--netns", path, "--net-attach", spec,
                                   "--publish", f"udp:127.0.0.1:{port}:{net}.2:5353",
                                   # A tcp port too: both kinds live side by side.
                                   "--publish", f"tcp:127.0.0.1:{free_port()}:{net}.2:80"], join_netns(path))
    if argv:
        default = m.argv
        m.argv = lambda: [argv, *default()[1:]]
    m.launch()
    return m, path, port, veth, net


def test_udp_published_port_relays_datagrams(monitor, tmp_path, bridges):
    m, path, port, veth, _ = launch_udp(monitor, tmp_path, bridges)
    # Held before the container runs.
    assert not udp_port_free(port)
    m.start()
    echo = UdpEcho(path, 5353)
    try:
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        reply_a, source = udp_ask(port, b"hello a", a)
        assert source == ("127.0.0.1", port)
        reply_b, source = udp_ask(port, b"hello b", b)
        assert source == ("127.0.0.1", port)
        text_a, seen_a = reply_a.rsplit(b" ", 1)
        text_b, seen_b = reply_b.rsplit(b" ", 1)
        assert (text_a, text_b) == (b"HELLO A", b"HELLO B")
        # Each client has a flow (a socket) of its own, and keeps it.
        assert seen_a != seen_b
        assert udp_ask(port, b"again", a)[0] == b"AGAIN " + seen_a
        big = b"x" * 60000
        assert udp_ask(port, big, b)[0] == big.upper() + b" " + seen_b
        a.close()
        b.close()
    finally:
        echo.stop()
    assert end_container(m)["exitCode"] == 137
    assert udp_port_free(port)
    assert not link_exists(veth)


def test_udp_port_in_use_fails_the_launch_and_leaves_nothing(monitor, tmp_path, bridges):
    br, net = bridges()
    veth = veth_name("vnv")
    path = str(tmp_path / "netns")
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", 0))
    port = taken.getsockname()[1]
    spec = f"bridge={br},host={veth},ifname=eth0,addr={net}.3/24"
    m = monitor(["true"], ["--netns", path, "--net-attach", spec, "--publish", f"udp:127.0.0.1:{port}:{net}.3:53",
                           "--start"], join_netns(path))
    r = m.launch(check=False)
    taken.close()
    assert r.returncode == 1, r.stderr
    assert f"Bind for 127.0.0.1:{port}/udp failed" in r.stderr and "in use" in r.stderr
    assert not link_exists(veth)
    assert not os.path.lexists(path)
    assert mounts_under(path) == []
    assert not os.path.exists(m.socket)
    assert m.runtime.state(m.id) is None


@pytest.fixture(scope="session")
def short_flow_monitor(tmp_path_factory):
    """berth-monitor built with a 1.5 s flow timeout and 3 flows per port, so expiry and the cap
    can be watched without waiting 90 s or opening 1024 sockets."""
    build = str(tmp_path_factory.mktemp("short-flows") / "build")
    env = dict(os.environ, CFLAGS="-O2 -g -DUDP_FLOW_IDLE_MS=1500 -DUDP_FLOW_MAX=3")
    r = subprocess.run(["make", "-s", "-C", NATIVE, f"BUILD={build}", f"{build}/berth-monitor"], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert os.path.abspath(build) != os.path.abspath(BUILD)
    return f"{build}/berth-monitor"


def flows(monitor_pid, net):
    """The monitor's UDP sockets connected to the container's port 5353."""
    inodes = set()
    for fd in os.listdir(f"/proc/{monitor_pid}/fd"):
        try:
            target = os.readlink(f"/proc/{monitor_pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    a, b, c, d = (int(x) for x in f"{net}.2".split("."))
    remote = f"{d:02X}{c:02X}{b:02X}{a:02X}:14E9"  # little-endian address, port 5353
    count = 0
    with open(f"/proc/{monitor_pid}/net/udp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[2] == remote and fields[9] in inodes:
                count += 1
    return count


def test_udp_flows_expire_and_are_capped(monitor, tmp_path, bridges, short_flow_monitor):
    m, path, port, veth, net = launch_udp(monitor, tmp_path, bridges, short_flow_monitor)
    m.start()
    mpid = m.monitor_pid()
    echo = UdpEcho(path, 5353)
    try:
        clients = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(5)]
        seen = []
        for i, c in enumerate(clients):
            reply, _ = udp_ask(port, b"c%d" % i, c)
            seen.append(reply.rsplit(b" ", 1)[1])
            assert flows(mpid, net) == min(i + 1, 3)
        assert len(set(seen)) == 5
        # The newest client kept its flow; the oldest lost its own and gets a new one.
        assert udp_ask(port, b"again", clients[4])[0] == b"AGAIN " + seen[4]
        assert udp_ask(port, b"again", clients[0])[0] != b"AGAIN " + seen[0]
        assert flows(mpid, net) == 3
        # Idle flows go by themselves: nothing else wakes the monitor meanwhile.
        wait_for(lambda: flows(mpid, net) == 0, 10, "the idle flows to expire")
        # A flow kept busy outlives the timeout.
        keep = clients[1]
        first = udp_ask(port, b"busy", keep)[0].rsplit(b" ", 1)[1]
        for _ in range(8):
            time.sleep(0.4)
            assert udp_ask(port, b"busy", keep)[0] == b"BUSY " + first
        for c in clients:
            c.close()
    finally:
        echo.stop()
    assert end_container(m)["exitCode"] == 137
    assert udp_port_free(port)
    assert not link_exists(veth)

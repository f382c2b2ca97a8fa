"""berth-monitor --netns PATH: a private network namespace with lo up, bound on
PATH for config.json to join by path, and gone after the container, under each
runtime of the `runtime` fixture."""
import os

from conftest import mounts_under
from test_monitor import monitor  # noqa: F401  (the fixture)


def join_netns(path):
    def edit(spec):
        for ns in spec["linux"]["namespaces"]:
            if ns["type"] == "network":
                ns["path"] = path
    return edit


def test_private_netns_with_loopback_up(monitor, tmp_path):
    path = str(tmp_path / "netns")
    script = "cat /sys/class/net/lo/flags; ls /sys/class/net; ip link show lo; readlink /proc/self/ns/net"
    m = monitor(["sh", "-c", script], ["--netns", path], join_netns(path))
    m.launch()
    # Created: PATH is a bind of a namespace that is not the host's.
    assert mounts_under(path) == [os.path.realpath(path)]
    assert os.stat(path).st_ino != os.stat("/proc/self/ns/net").st_ino
    ns_inode = os.stat(path).st_ino
    m.start()
    record = m.wait_exit()
    assert record["exitCode"] == 0, m.text("stderr")
    lines = m.text("stdout").splitlines()
    assert int(lines[0], 16) & 0x1, lines  # IFF_UP
    assert lines[1] == "lo", lines  # no other interface
    assert "UP" in lines[2].split("<", 1)[1].split(">", 1)[0].split(","), lines
    assert lines[-1] == f"net:[{ns_inode}]"
    # Afterwards: no file, no mount.
    assert not os.path.lexists(path)
    assert mounts_under(path) == []


def test_failed_create_removes_the_netns(monitor, tmp_path):
    path = str(tmp_path / "netns")
    m = monitor(["/nonexistent"], ["--netns", path, "--start"], join_netns(path))
    r = m.launch(check=False)
    assert r.returncode == 1 and "/nonexistent" in r.stderr
    assert not os.path.lexists(path)
    assert mounts_under(path) == []
    assert m.runtime.state(m.id) is None


def test_stale_netns_file_is_replaced(monitor, tmp_path):
    path = str(tmp_path / "netns")
    with open(path, "w") as f:
        f.write("left by a monitor that was killed")
    m = monitor(["cat", "/sys/class/net/lo/operstate"], ["--netns", path, "--start"], join_netns(path))
    m.launch()
    assert m.wait_exit()["exitCode"] == 0, m.text("stderr")
    assert m.text("stdout") == "unknown\n"  # lo has no carrier state; it is up, not "down"
    assert not os.path.lexists(path)


import random
import socket
import subprocess
import threading
import time

import pytest


def ip(*args, check=True):
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def link_exists(name):
    return ip("link", "show", name, check=False).returncode == 0


@pytest.fixture
def bridge():
    """A bridge with a /24 of 10.98.0.0/16 and its .1, removed afterwards."""
    n = random.randint(1, 250)
    name = f"btest{n}"
    ip("link", "add", name, "type", "bridge")
    ip("addr", "add", f"10.98.{n}.1/24", "dev", name)
    ip("link", "set", name, "up")
    yield name, f"10.98.{n}"
    ip("link", "del", name, check=False)


def test_net_attach_wires_the_container_to_the_bridge(monitor, tmp_path, bridge):
    name, net = bridge
    veth = f"vt{random.randint(0, 99999)}"
    path = str(tmp_path / "netns")
    received = []
    listener = socket.create_server((f"{net}.1", 0))
    port = listener.getsockname()[1]

    def accept():
        conn, _ = listener.accept()
        with conn:
            received.append(conn.recv(100))

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    script = ("cat /sys/class/net/eth0/address /sys/class/net/eth0/mtu; ip -4 -o addr show eth0; ip route; "
              f"echo hello-bridge | nc {net}.1 {port}")
    spec = f"bridge={name},host={veth},ifname=eth0,addr={net}.2/24,gateway={net}.1,mac=02:42:0a:62:00:02,mtu=1400"
    m = monitor(["sh", "-c", script], ["--netns", path, "--net-attach", spec], join_netns(path))
    m.launch()
    # The host end is on the bridge while the container lives.
    assert f"master {name}" in ip("link", "show", veth).stdout
    m.start()
    record = m.wait_exit()
    assert record["exitCode"] == 0, m.text("stderr")
    out = [line.rstrip() for line in m.text("stdout").splitlines()]
    assert out[0] == "02:42:0a:62:00:02"
    assert out[1] == "1400"
    assert f"inet {net}.2/24" in out[2]
    assert f"default via {net}.1 dev eth0" in out
    t.join(5)
    assert received == [b"hello-bridge\n"]
    listener.close()
    # Afterwards the veth is gone with the namespace.
    assert not link_exists(veth)
    assert not os.path.lexists(path)


def test_net_attach_to_a_missing_bridge_fails_and_leaves_nothing(monitor, tmp_path):
    veth = f"vt{random.randint(0, 99999)}"
    path = str(tmp_path / "netns")
    spec = f"bridge=nosuchbr0,host={veth},ifname=eth0,addr=10.97.0.2/24"
    m = monitor(["true"], ["--netns", path, "--net-attach", spec, "--start"], join_netns(path))
    r = m.launch(check=False)
    assert r.returncode == 1, r.stderr
    assert "nosuchbr0" in r.stderr
    assert not link_exists(veth)
    assert not os.path.lexists(path)
    assert mounts_under(path) == []


@pytest.mark.parametrize("spec, message", [
    ("bridge=b0,host=v0,ifname=eth0", "addr are required"),
    ("bridge=b0,host=v0,ifname=eth0,addr=10.0.0.300/24", "not an IPv4"),
    ("bridge=b0,host=v0,ifname=eth0,addr=10.0.0.2/33", "not an IPv4"),
    ("bridge=b0,host=a-name-much-too-long,ifname=eth0,addr=10.0.0.2/24", "invalid interface name"),
    ("bridge=b0,host=v0,ifname=../x,addr=10.0.0.2/24", "invalid interface name"),
    ("bridge=b0,host=v0,ifname=eth0,addr=10.0.0.2/24,mac=zz", "not a MAC"),
    ("bridge=b0,host=v0,ifname=eth0,addr=10.0.0.2/24,color=red", "unknown key"),
])
def test_bad_net_attach_specs_are_refused(monitor, tmp_path, spec, message):
    path = str(tmp_path / "netns")
    m = monitor(["true"], ["--netns", path, "--net-attach", spec], join_netns(path))
    r = m.launch(check=False)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
    assert not os.path.lexists(path)


def test_bridge_addr_makes_the_bridge_the_first_time(monitor, tmp_path):
    n = random.randint(1, 250)
    name, net = f"btmk{n}", f"10.96.{n}"
    ip("link", "del", name, check=False)
    listener = socket.create_server(("0.0.0.0", 0))
    port = listener.getsockname()[1]
    try:
        for i in (2, 3):  # the second launch finds the bridge and its address already there
            path = str(tmp_path / f"netns{i}")
            spec = (f"bridge={name},host=vt{n}x{i},ifname=eth0,addr={net}.{i}/24,gateway={net}.1,"
                    f"bridge-addr={net}.1/24")
            m = monitor(["sh", "-c", f"echo from-{i} | nc {net}.1 {port}"], ["--netns", path, "--net-attach", spec],
                        join_netns(path))
            m.launch()
            m.start()
            conn, _ = listener.accept()
            with conn:
                assert conn.recv(100) == f"from-{i}\n".encode()
            assert m.wait_exit()["exitCode"] == 0, m.text("stderr")
        out = ip("-4", "-o", "addr", "show", name).stdout
        assert f"inet {net}.1/24" in out
        assert "UP" in ip("link", "show", name).stdout
    finally:
        listener.close()
        ip("link", "del", name, check=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_published_port_relays_connections_both_ways(monitor, tmp_path, bridge):
    name, net = bridge
    n = random.randint(0, 99999)
    path = str(tmp_path / "netns")
    port = free_port()
    spec = f"bridge={name},host=vp{n},ifname=eth0,addr={net}.2/24,gateway={net}.1"
    # An echo server that upper-cases, so the reply proves both directions and the half-close.
    script = "nc -l -p 80 -e tr a-z A-Z"
    m = monitor(["sh", "-c", script], ["--netns", path, "--net-attach", spec,
                                       "--publish", f"tcp:127.0.0.1:{port}:{net}.2:80"], join_netns(path))
    m.launch()
    # Held before the container runs: nobody else can take the port.
    with pytest.raises(OSError):
        socket.create_server(("127.0.0.1", port))
    m.start()
    payload = b"hello through the proxy\n" * 5000
    reply = b""
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
                c.sendall(payload)
                c.shutdown(socket.SHUT_WR)
                while chunk := c.recv(65536):
                    reply += chunk
            if reply:
                break
        except OSError:
            pass
        time.sleep(0.1)  # nc in the container may not listen yet
    assert reply == payload.upper()
    assert m.wait_exit()["exitCode"] == 0, m.text("stderr")
    # The port is free again once the container is gone.
    socket.create_server(("127.0.0.1", port)).close()


def test_publishing_a_port_in_use_fails_the_launch_and_leaves_nothing(monitor, tmp_path, bridge):
    name, net = bridge
    n = random.randint(0, 99999)
    path = str(tmp_path / "netns")
    taken = socket.create_server(("127.0.0.1", 0))
    port = taken.getsockname()[1]
    spec = f"bridge={name},host=vq{n},ifname=eth0,addr={net}.3/24"
    m = monitor(["true"], ["--netns", path, "--net-attach", spec, "--publish", f"tcp:127.0.0.1:{port}:{net}.3:80",
                           "--start"], join_netns(path))
    r = m.launch(check=False)
    taken.close()
    assert r.returncode == 1, r.stderr
    assert f"Bind for 127.0.0.1:{port} failed" in r.stderr and "in use" in r.stderr
    assert not link_exists(f"vq{n}")
    assert not os.path.lexists(path)
    assert m.runtime.state(m.id) is None


@pytest.mark.parametrize("spec, message", [
    ("sctp:127.0.0.1:80:10.0.0.2:80", "is not tcp|udp:"),
    ("tcp:127.0.0.1:0:10.0.0.2:80", "invalid host port"),
    ("udp:127.0.0.1:0:10.0.0.2:53", "host port 0"),
    ("udp:127.0.0.1:x:10.0.0.2:53", "invalid host port"),
    ("tcp:127.0.0.1:80:10.0.0.2:70000", "invalid container port"),
    ("udp:127.0.0.1:53:10.0.0.2:0", "invalid container port"),
    ("tcp:localhost:80:10.0.0.2:80", "IPv4"),
    ("tcp:127.0.0.1:80:10.0.0.2", "is not tcp|udp:"),
])
def test_bad_publish_specs_are_refused(monitor, tmp_path, spec, message):
    m = monitor(["true"], ["--publish", spec])
    r = m.launch(check=False)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr

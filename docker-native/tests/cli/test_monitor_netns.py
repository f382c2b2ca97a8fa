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

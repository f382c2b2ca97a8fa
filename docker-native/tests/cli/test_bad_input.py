"""Black-box tests of an OCI runtime given bad input.

Each case must fail (non-zero) and leave nothing behind: no state entry for the
id under --root, no mount under the bundle, no cgroup dir, no process. berth
must also say why in one line on stderr; runc's messages differ (and are often
vaguer), so for runc only the exit status and the absence of leftovers count.
Every test runs under berth-runtime and runc (the `runtime` fixture).
"""
import os
import shutil
import subprocess
import uuid

import pytest

from conftest import create_container, leftovers, process_snapshot, start_container, wait_status

SLEEP = ["sleep", "30"]
UP = "../" * 16  # more `..` than the bundle is deep, so a host-side walk reaches /


# ---------------------------------------------------------------- helpers

def error_line(r):
    """The runtime's error message, asserted to be one non-empty line."""
    msg = r.stderr.strip()
    assert msg, "no error message on stderr"
    assert "\n" not in msg, f"error message is more than one line:\n{msg}"
    return msg


def create_expecting_failure(runtime, bundle, *mentions, cid=None):
    """create must fail and leave nothing; berth's one-line error must name each of
    mentions (a tuple there: any one of its strings)."""
    cid = cid or runtime.new_id()
    before = process_snapshot()
    r = create_container(runtime, bundle, cid)
    assert r.returncode != 0, f"create succeeded: {r.stderr}"
    assert leftovers(runtime, cid, bundle, before) == []
    if runtime.name == "berth":  # runc's wording differs; berth's must name the cause
        msg = error_line(r)
        for m in mentions:
            alternatives = m if isinstance(m, tuple) else (m,)
            assert any(a in msg for a in alternatives), f"none of {alternatives} in error: {msg}"
    return r


def add_mount(destination, source="tmpfs", type_="tmpfs", options=("nosuid", "nodev")):
    def edit(spec):
        spec["mounts"].append({"destination": destination, "type": type_, "source": source,
                               "options": list(options)})
    return edit


def changes_to_host_path(path):
    """What the host path got, as a list of strings (empty when untouched)."""
    got = []
    if os.path.lexists(path):
        got.append(f"{path} exists")
    with open("/proc/self/mountinfo") as f:
        mounts = [line.split()[4] for line in f if line.split()[4].startswith(path)]
    if mounts:
        got.append(f"mounts: {mounts}")
    return got


def remove_host_path(path):
    """Undo what a broken runtime might have done to the host."""
    if os.path.lexists(path):
        subprocess.run(["umount", "-R", "-l", path], capture_output=True)
        shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- config.json and rootfs

def test_malformed_config_json_is_rejected(runtime, make_bundle):
    b = make_bundle(SLEEP)
    config = os.path.join(b.path, "config.json")
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text[: len(text) // 2])
    create_expecting_failure(runtime, b, "config.json")


def test_missing_config_json_is_rejected(runtime, make_bundle):
    b = make_bundle(SLEEP)
    os.unlink(os.path.join(b.path, "config.json"))
    create_expecting_failure(runtime, b, "config.json")


def test_missing_rootfs_is_rejected(runtime, make_bundle):
    b = make_bundle(SLEEP)
    shutil.rmtree(b.rootfs)
    create_expecting_failure(runtime, b, ("rootfs", b.rootfs))


def test_missing_executable_is_rejected_at_create(runtime, make_bundle):
    create_expecting_failure(runtime, make_bundle(["/no/such/binary"]), "/no/such/binary")


# ---------------------------------------------------------------- mounts escaping the rootfs

def test_mount_destination_escaping_through_dotdot(runtime, make_bundle):
    name = f"escape-{uuid.uuid4().hex[:12]}"
    host = f"/tmp/{name}"
    b = make_bundle(SLEEP, add_mount(f"/../../../../tmp/{name}"))
    try:
        if runtime.name == "berth":  # berth refuses such a destination; runc clamps `..` at the rootfs
            create_expecting_failure(runtime, b, "escapes")
        else:
            r = create_container(runtime, b, runtime.new_id())
            assert r.returncode == 0, r.stderr
            assert os.path.isdir(os.path.join(b.rootfs, "tmp", name)), "runc should mount inside the rootfs"
        assert changes_to_host_path(host) == []
    finally:
        remove_host_path(host)


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_mount_destination_through_symlink_stays_in_rootfs(runtime, make_bundle, kind):
    name = f"evil-{uuid.uuid4().hex[:12]}"
    host = f"/tmp/{name}"
    target = f"{UP}tmp/{name}" if kind == "relative" else host
    b = make_bundle(SLEEP, add_mount("/evil/x"))
    os.symlink(target, os.path.join(b.rootfs, "evil"))
    try:
        if kind == "relative" and runtime.name == "berth":
            # berth refuses a link that climbs above the root; runc clamps the `..` at the rootfs
            create_expecting_failure(runtime, b, "escapes")
        else:
            # an absolute link means the container's root (for both), so the mount lands in the rootfs
            r = create_container(runtime, b, runtime.new_id())
            assert r.returncode == 0, r.stderr
            assert os.path.isdir(os.path.join(b.rootfs, "tmp", name, "x"))
        assert changes_to_host_path(host) == []
    finally:
        remove_host_path(host)


# ---------------------------------------------------------------- capabilities and cgroups

def test_unknown_capability(runtime, make_bundle):
    def edit(spec):
        for s in ("bounding", "effective", "permitted"):
            spec["process"]["capabilities"][s].append("CAP_BOGUS")
    b = make_bundle(SLEEP, edit)
    if runtime.name == "berth":  # berth refuses an unknown capability; runc 1.1 only warns and drops it
        create_expecting_failure(runtime, b, "CAP_BOGUS")
        return
    cid = runtime.new_id()
    before = process_snapshot()
    if create_container(runtime, b, cid).returncode == 0:
        runtime("delete", "--force", cid, check=True)
    assert leftovers(runtime, cid, b, before) == []


def test_cgroup_limit_refused_by_kernel(runtime, make_bundle):
    b = make_bundle(SLEEP, lambda s: s["linux"].setdefault("resources", {}).update(cpu={"cpus": "999"}))
    create_expecting_failure(runtime, b, ("cpuset.cpus", "999"))


# ---------------------------------------------------------------- ids

def test_id_already_in_use(runtime, make_bundle):
    first = make_bundle(SLEEP)
    cid = runtime.new_id()
    assert create_container(runtime, first, cid).returncode == 0
    was = runtime.state(cid)
    second = make_bundle(SLEEP)
    before = process_snapshot()
    r = create_container(runtime, second, cid)
    assert r.returncode != 0
    if runtime.name == "berth":  # runc's wording differs; berth's must name the id
        assert cid in error_line(r)
    assert runtime.state(cid) == was
    other = leftovers(runtime, cid, second, before)
    assert [x for x in other if not x.startswith(("state entries", "`state"))] == []


def test_invalid_container_id(runtime, make_bundle, tmp_path):
    name = f"escape-{uuid.uuid4().hex[:12]}"
    b = make_bundle(SLEEP)
    before = process_snapshot()
    r = create_container(runtime, b, f"../{name}")
    assert r.returncode != 0
    assert not os.path.lexists(os.path.join(os.path.dirname(runtime.root), name))
    assert leftovers(runtime, name, b, before) == []
    if runtime.name == "berth":  # runc's wording differs; berth's must name the id
        assert f"../{name}" in error_line(r)


@pytest.mark.parametrize("command", [["state"], ["start"], ["kill"], ["kill", "KILL"], ["delete"],
                                     ["pause"], ["resume"]], ids=lambda c: "-".join(c))
def test_command_on_unknown_id_fails(runtime, command):
    cid = runtime.new_id()
    args = [command[0], cid, *command[1:]]
    r = runtime(*args)
    assert r.returncode != 0
    assert r.stdout.strip() == ""
    if runtime.name == "berth":  # runc says only "container does not exist"; berth must name the id
        assert cid in error_line(r)


# ---------------------------------------------------------------- commands in the wrong state

def test_kill_with_unknown_signal_fails_and_container_survives(runtime, make_bundle):
    cid, pid = start_container(runtime, make_bundle(SLEEP))
    r = runtime("kill", cid, "BOGUS")
    assert r.returncode != 0
    if runtime.name == "berth":  # runc's wording differs; berth's must name the signal
        assert "BOGUS" in error_line(r)
    assert runtime.state(cid)["status"] == "running"


def test_start_twice_fails_and_container_keeps_running(runtime, make_bundle):
    cid, pid = start_container(runtime, make_bundle(SLEEP))
    r = runtime("start", cid)
    assert r.returncode != 0
    if runtime.name == "berth":
        error_line(r)
    st = runtime.state(cid)
    assert st["status"] == "running" and st["pid"] == pid


def test_start_after_stop_fails(runtime, make_bundle):
    cid = runtime.new_id()
    assert create_container(runtime, make_bundle(["true"]), cid).returncode == 0
    runtime("start", cid, check=True)
    wait_status(runtime, cid, "stopped")
    r = runtime("start", cid)
    assert r.returncode != 0
    assert runtime.state(cid)["status"] == "stopped"

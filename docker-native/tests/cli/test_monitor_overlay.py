"""berth-monitor --overlay-lower/--overlay-upper/--overlay-work: the rootfs as an
overlayfs the monitor mounts before create and removes after delete, under
each runtime of the `runtime` fixture."""
import os
import shutil
import stat

from conftest import mounts_under
from test_monitor import monitor  # noqa: F401  (the fixture)


def layers(tmp_path, rootfs_template, extra_lower=()):
    """(lower dirs lowest first, upper, work): busybox + /a + /b, then a layer whiting out /b."""
    base = tmp_path / "layers"
    base.mkdir()
    bottom = base / "bottom"
    shutil.copytree(rootfs_template, bottom, symlinks=True)
    (bottom / "a").write_text("from the bottom layer\n")
    (bottom / "b").write_text("deleted above\n")
    top = base / "top"
    top.mkdir()
    os.mknod(top / "b", stat.S_IFCHR, 0)  # an overlay whiteout
    upper, work = base / "upper", base / "work"
    upper.mkdir()
    work.mkdir()
    lower = [str(bottom), *map(str, extra_lower), str(top)]
    return lower, str(upper), str(work)


def overlay_opts(lower, upper, work):
    return ["--overlay-lower", ":".join(lower), "--overlay-upper", upper, "--overlay-work", work]


def without_rootfs(m):
    """The bundle keeps only config.json: the monitor makes and mounts rootfs."""
    shutil.rmtree(m.bundle.rootfs)
    return m


def test_overlay_rootfs_layers_and_cleanup(monitor, tmp_path, rootfs_template):
    lower, upper, work = layers(tmp_path, rootfs_template)
    script = "cat /a; test -e /b && echo b-is-visible; echo written > /c; rm /a"
    m = without_rootfs(monitor(["sh", "-c", script], overlay_opts(lower, upper, work)))
    m.launch()
    # Created, not started: the overlay is in place in the host's mount namespace.
    assert mounts_under(m.bundle.rootfs) == [os.path.realpath(m.bundle.rootfs)]
    m.start()
    record = m.wait_exit()
    assert record["exitCode"] == 0, m.text("stderr")
    assert m.text("stdout") == "from the bottom layer\n"
    # Writes went to the upper dir; the layers are untouched.
    with open(os.path.join(upper, "c")) as f:
        assert f.read() == "written\n"
    assert stat.S_ISCHR(os.lstat(os.path.join(upper, "a")).st_mode)  # the deletion, as a whiteout
    assert os.path.exists(os.path.join(lower[0], "a"))
    # Gone after the container: no mount, and the rootfs dir the monitor made is removed again.
    assert mounts_under(m.bundle.path) == []
    assert not os.path.exists(m.bundle.rootfs)


def test_overlay_keeps_an_existing_rootfs_dir(monitor, tmp_path, rootfs_template):
    lower, upper, work = layers(tmp_path, rootfs_template)
    m = monitor(["cat", "/a"], [*overlay_opts(lower, upper, work), "--start"])
    shutil.rmtree(m.bundle.rootfs)
    os.mkdir(m.bundle.rootfs)
    m.launch()
    assert m.wait_exit()["exitCode"] == 0
    assert m.text("stdout") == "from the bottom layer\n"
    assert mounts_under(m.bundle.path) == []
    assert os.listdir(m.bundle.rootfs) == []


def test_failed_create_leaves_no_overlay(monitor, tmp_path, rootfs_template):
    lower, upper, work = layers(tmp_path, rootfs_template)
    m = without_rootfs(monitor(["/nonexistent"], [*overlay_opts(lower, upper, work), "--start"]))
    r = m.launch(check=False)
    assert r.returncode == 1 and "/nonexistent" in r.stderr
    assert mounts_under(m.bundle.path) == []
    assert not os.path.exists(m.bundle.rootfs)
    assert m.runtime.state(m.id) is None
    assert not os.path.exists(m.socket)


def test_many_long_layers_mount_relative(monitor, tmp_path, rootfs_template):
    # 40 layers of ~130-byte paths: over a page as absolute options, within it relative to their parent.
    extra = []
    for i in range(40):
        d = tmp_path / "layers" / f"{i:02d}-{'x' * 60}"
        extra.append(d)
    lower, upper, work = layers(tmp_path, rootfs_template, extra)
    for d in extra:
        d.mkdir()
    (extra[-1] / "from-layer-40").write_text("")
    assert len(",".join(lower)) > 4096
    m = without_rootfs(monitor(["ls", "/"], [*overlay_opts(lower, upper, work), "--start"]))
    m.launch()
    assert m.wait_exit()["exitCode"] == 0
    names = m.text("stdout").split()
    assert "from-layer-40" in names and "a" in names and "b" not in names
    assert mounts_under(m.bundle.path) == []


def test_too_many_layers_fail_clearly(monitor, tmp_path, rootfs_template):
    extra = [tmp_path / "layers" / f"{i:03d}-{'y' * 60}" for i in range(80)]
    lower, upper, work = layers(tmp_path, rootfs_template, extra)
    for d in extra:
        d.mkdir()
    m = without_rootfs(monitor(["true"], [*overlay_opts(lower, upper, work), "--start"]))
    r = m.launch(check=False)
    assert r.returncode == 1
    assert "mount options" in r.stderr and "even relative" in r.stderr, r.stderr
    assert mounts_under(m.bundle.path) == []
    assert not os.path.exists(m.bundle.rootfs)


def test_overlay_options_go_together(monitor, tmp_path, rootfs_template):
    lower, upper, work = layers(tmp_path, rootfs_template)
    m = monitor(["true"], ["--overlay-lower", ":".join(lower), "--overlay-upper", upper])
    r = m.launch(check=False)
    assert r.returncode == 2 and "go together" in r.stderr

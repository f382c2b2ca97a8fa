"""A busybox root filesystem as a tar, made from Debian's busybox-static, for `docker import`."""
import io
import subprocess
import tarfile

BUSYBOX = "/bin/busybox"


def _add(tar, name, kind=tarfile.DIRTYPE, mode=0o755, data=b"", link=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.linkname = link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def rootfs_tar() -> bytes:
    applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True, text=True).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("bin", "etc", "tmp", "root", "home", "var", "proc", "sys", "dev"):
            _add(tar, d, mode=0o1777 if d == "tmp" else 0o755)
        with open(BUSYBOX, "rb") as f:
            _add(tar, "bin/busybox", tarfile.REGTYPE, 0o755, f.read())
        for applet in applets:
            if applet != "busybox":
                _add(tar, "bin/" + applet, tarfile.SYMTYPE, 0o777, link="busybox")
        _add(tar, "etc/passwd", tarfile.REGTYPE, 0o644,
             b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n")
        _add(tar, "etc/group", tarfile.REGTYPE, 0o644, b"root:x:0:\ntty:x:5:\nnogroup:x:65534:\n")
    return buf.getvalue()

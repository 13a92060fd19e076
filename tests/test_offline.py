"""Offline guarantee: the main flows run with the network blocked and never try to use it.

Users work on locked-down laptops without a connection, so nothing the program does may
need the network.  Each flow runs as a user would run it (``python app.py …`` in a
subprocess, fresh data folder) under up to three guards, each catching what the others miss:

1. a socket guard (a ``sitecustomize`` put first on PYTHONPATH): every Python-level
   ``connect``/``connect_ex``/``sendto`` to an IP address, ``create_connection`` and every
   DNS lookup is recorded with its stack and refused;
2. ``strace -f -e trace=connect,sendto,sendmsg`` where ptrace is allowed: records
   ``connect()`` to AF_INET/AF_INET6 from C code too (GDAL's curl, Qt's network, PROJ);
3. ``unshare -rn`` where user namespaces are allowed: no network interface at all, so a flow
   that silently depended on the network fails instead of passing here and hanging in the
   field.

A flow passes when it exits 0 and no guard saw an attempt.  Subcommands that ``app.py``
does not offer yet are skipped (``screen``, ``import``, ``export``, ``outfalls`` are wired
as their issues land); the window flow starts the real window offscreen for a few seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

GUARD = textwrap.dedent('''
    """Offline guard for tests/test_offline.py: record and refuse network use."""
    import json, os, socket, sys, threading, traceback

    _LOG = os.environ.get("ECOZONE_NET_LOG")
    _LOCAL_NAMES = {None, "", "localhost", "127.0.0.1", "::1"}

    def _record(kind, target):
        stack = "".join(traceback.format_stack(limit=12)[:-2])
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"kind": kind, "target": repr(target),
                                     "pid": os.getpid(), "stack": stack}) + "\\n")
        raise OSError(101, f"network blocked by the offline test: {kind} {target!r}")

    def _is_ip(sock):
        return sock.family in (socket.AF_INET, socket.AF_INET6)

    _connect, _connect_ex, _sendto = (socket.socket.connect, socket.socket.connect_ex,
                                      socket.socket.sendto)

    def connect(self, address):
        if _is_ip(self):
            _record("connect", address)
        return _connect(self, address)

    def connect_ex(self, address):
        if _is_ip(self):
            _record("connect_ex", address)
        return _connect_ex(self, address)

    def sendto(self, data, *args):
        if _is_ip(self):
            _record("sendto", args[-1] if args else None)
        return _sendto(self, data, *args)

    _getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in _LOCAL_NAMES:
            _record("getaddrinfo", host)
        return _getaddrinfo(host, *args, **kwargs)

    def _refuse(kind):
        def refuse(*args, **kwargs):
            _record(kind, args[:1])
        return refuse

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.socket.sendto = sendto
    socket.getaddrinfo = getaddrinfo
    socket.create_connection = _refuse("create_connection")
    socket.gethostbyname = _refuse("gethostbyname")
    socket.gethostbyname_ex = _refuse("gethostbyname_ex")

    # The window flow: leave after a few seconds of running the real event loop.
    _after = os.environ.get("ECOZONE_GUARD_EXIT_AFTER")
    if _after:
        def _leave():
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        _t = threading.Timer(float(_after), _leave)
        _t.daemon = True
        _t.start()
''')

SITE = "118.59,24.89; 118.61,24.89; 118.61,24.91; 118.59,24.91"  # 丰泽区, near 泉州湾

IMPORT_POINTS = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [118.62, 24.86]},
         "properties": {"名称": "离线测试点一", "编号": "T-001"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [118.58, 24.75]},
         "properties": {"名称": "离线测试点二", "编号": "T-002"}},
    ],
}


# -- guards available here -------------------------------------------------------------------
@cache
def unshare_works() -> bool:
    if os.environ.get("ECOZONE_OFFLINE_NO_UNSHARE") or not shutil.which("unshare"):
        return False
    try:
        res = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return res.returncode == 0


@cache
def strace_works() -> bool:
    if os.environ.get("ECOZONE_OFFLINE_NO_STRACE") or not shutil.which("strace"):
        return False
    try:
        res = subprocess.run(["strace", "-f", "-qq", "-e", "trace=none", "true"],
                             capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return res.returncode == 0


@cache
def subcommands() -> frozenset[str]:
    """The subcommands app.py offers now (from its --help)."""
    res = subprocess.run([sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    for group in re.findall(r"\{([a-z_,-]+)\}", res.stdout):  # {zh,en} comes first
        names = frozenset(group.split(","))
        if "info" in names:
            return names
    return frozenset()


# -- running a flow --------------------------------------------------------------------------
_INET_CALL = re.compile(r"^(?P<pid>\d+)\s+(?P<call>connect|sendto|sendmsg)\((?P<args>.*)$")


def inet_syscalls(trace: Path) -> list[str]:
    """connect/sendto/sendmsg lines of an strace log that address AF_INET or AF_INET6."""
    if not trace.exists():
        return []
    out = []
    for line in trace.read_text(errors="replace").splitlines():
        m = _INET_CALL.match(line.strip())
        if m and ("AF_INET" in m.group("args")):  # AF_INET and AF_INET6, never AF_UNIX
            out.append(line.strip())
    return out


class Offline:
    """Runs ``app.py`` commands in one fresh data folder with every available guard."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.home = tmp / "home"
        self.home.mkdir()
        guard_dir = tmp / "guard"
        guard_dir.mkdir()
        (guard_dir / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
        self.net_log = tmp / "net.jsonl"
        self.env = dict(os.environ, ECOZONE_HOME=str(self.home), QT_QPA_PLATFORM="offscreen",
                        ECOZONE_NET_LOG=str(self.net_log),
                        PYTHONPATH=os.pathsep.join(
                            [str(guard_dir), str(ROOT), os.environ.get("PYTHONPATH", "")]),
                        # any proxy setting would be a way out; none must be needed
                        NO_PROXY="*", no_proxy="*", PROJ_NETWORK="OFF")
        for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
            self.env.pop(key, None)
        self.runs = 0

    @property
    def workspace(self) -> Path:
        return self.home / "workspace.gpkg"

    def run(self, *args: str, extra_env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
        self.runs += 1
        trace = self.tmp / f"strace-{self.runs}.txt"
        cmd: list[str] = [sys.executable, str(ROOT / "app.py"), *args]
        if strace_works():
            cmd = ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg",
                   "-e", "signal=none", "-o", str(trace), *cmd]
        if unshare_works():
            cmd = ["unshare", "-rn", *cmd]
        env = dict(self.env, **(extra_env or {}))
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=self.tmp,
                             timeout=timeout, encoding="utf-8")
        attempts = []
        if self.net_log.exists():
            attempts += [json.loads(line) for line in self.net_log.read_text().splitlines()]
            self.net_log.unlink()
        syscalls = inet_syscalls(trace)
        assert not attempts, (f"`app.py {' '.join(args)}` tried to use the network "
                              f"(Python):\n" + "\n".join(
                                  f"{a['kind']} {a['target']}\n{a['stack']}" for a in attempts))
        assert not syscalls, (f"`app.py {' '.join(args)}` tried to use the network "
                              f"(system calls):\n" + "\n".join(syscalls[:20]))
        assert res.returncode == 0, (f"`app.py {' '.join(args)}` failed offline "
                                     f"({res.returncode}):\n{res.stderr[-3000:]}")
        return res


@pytest.fixture
def offline(tmp_path) -> Offline:
    return Offline(tmp_path)


def need(*names: str) -> None:
    missing = [n for n in names if n not in subcommands()]
    if missing:
        pytest.skip(f"app.py has no '{' '.join(missing)}' command yet")


def first_run(offline: Offline) -> None:
    offline.run("info", "--json")
    assert offline.workspace.exists()


# -- the guard itself ------------------------------------------------------------------------
def test_the_guard_catches_a_connection(offline):
    """If the guard did not work, every other test here would pass for nothing."""
    probe = offline.tmp / "probe.py"
    probe.write_text("import urllib.request\n"
                     "urllib.request.urlopen('http://example.com', timeout=2)\n")
    res = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True,
                         env=offline.env, timeout=60)
    assert res.returncode != 0
    attempts = [json.loads(x) for x in offline.net_log.read_text().splitlines()]
    assert attempts and attempts[0]["kind"] in ("getaddrinfo", "create_connection", "connect")
    assert "network blocked by the offline test" in res.stderr


@pytest.mark.skipif(not strace_works(), reason="strace/ptrace not available here")
def test_strace_sees_a_connection_from_c(offline):
    trace = offline.tmp / "c.txt"
    code = ("import ctypes, socket, struct\n"
            "libc = ctypes.CDLL(None)\n"
            "s = socket.socket()\n"
            "addr = struct.pack('!HH4s8x', socket.AF_INET, 80, bytes([10, 255, 255, 1]))\n"
            "addr = struct.pack('=H', socket.AF_INET) + addr[2:]\n"
            "libc.connect(s.fileno(), addr, len(addr))\n")
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace),
                    sys.executable, "-c", code], env=offline.env, timeout=60,
                   capture_output=True)
    assert inet_syscalls(trace), trace.read_text()


# -- the main flows --------------------------------------------------------------------------
def test_info_offline_creates_the_workspace(offline):
    res = offline.run("info", "--json")
    info = json.loads(res.stdout)
    assert offline.workspace.exists()
    assert {la["name"] for la in info["layers"]} >= {"counties", "control_units", "outfalls"}


def test_query_offline(offline):
    res = offline.run("query", "118.47", "24.60", "--json")
    assert json.loads(res.stdout)["bays"][0]["name_zh"] == "安海湾"


def test_screenshot_offline(offline):
    out = offline.tmp / "shot.png"
    offline.run("screenshot", "--out", str(out))
    assert out.stat().st_size > 10_000


def test_window_starts_and_runs_offline(offline):
    """The real window with its event loop, offscreen, for a few seconds."""
    first_run(offline)
    res = offline.run(extra_env={"ECOZONE_GUARD_EXIT_AFTER": "6"}, timeout=120)
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_screen_offline(offline, suffix):
    need("screen")
    out = offline.tmp / f"screening{suffix}"
    offline.run("screen", SITE, "--out", str(out))
    assert out.exists() and out.stat().st_size > 1_000
    if suffix == ".html":
        assert_no_remote_resources(out)


def test_import_offline(offline):
    need("import")
    first_run(offline)
    src = offline.tmp / "测试点位.geojson"
    src.write_text(json.dumps(IMPORT_POINTS, ensure_ascii=False), encoding="utf-8")
    offline.run("import", str(src), "--into", str(offline.workspace), "--as", "offline_points")


@pytest.mark.parametrize("out_name", ["counties.gpkg", "counties.shp", "map.html"])
def test_export_offline(offline, out_name):
    need("export")
    first_run(offline)
    out = offline.tmp / "export" / out_name
    out.parent.mkdir()
    args = ["export", "--workspace", str(offline.workspace), "--out", str(out)]
    if not out_name.endswith(".html"):
        args += ["--layer", "counties"]
    offline.run(*args)
    assert out.exists() and out.stat().st_size > 0
    if out_name.endswith(".html"):
        assert_no_remote_resources(out)


def test_outfall_check_offline(offline):
    need("outfalls")
    offline.run("outfalls", "check", "--json")


# An exported page must load nothing from the internet: no remote script, style, image or
# tile.  Plain links (<a href="https://…">, e.g. a licence) are allowed: they load nothing.
REMOTE_LOAD = re.compile(
    r"""(<script[^>]+src\s*=\s*["']?(https?:)?//)"""
    r"""|(<link[^>]+href\s*=\s*["']?(https?:)?//)"""
    r"""|(<img[^>]+src\s*=\s*["']?(https?:)?//)"""
    r"""|(url\(\s*["']?(https?:)?//)"""
    r"""|(@import\s+["']?(https?:)?//)"""
    r"""|(https?://[^"'\s]*\{z\})""", re.IGNORECASE)


def assert_no_remote_resources(html_file: Path) -> None:
    text = html_file.read_text(encoding="utf-8", errors="replace")
    found = [m.group(0)[:120] for m in REMOTE_LOAD.finditer(text)]
    assert not found, f"{html_file.name} loads remote resources: {found[:5]}"

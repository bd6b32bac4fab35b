"""Recalculate a workbook with LibreOffice, a second spreadsheet engine, headless.

Used to confirm that the template's own formulas (running balances, required spend, checkers)
agree with this tool's independent figures. Needs `soffice` and Python's `uno` module (Debian:
libreoffice-calc-nogui and python3-uno).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

_SCRIPT = r'''
import sys, time, uno
from com.sun.star.beans import PropertyValue
def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
src, dst, port = sys.argv[1], sys.argv[2], sys.argv[3]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(120):
    try:
        ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.25)
else:
    sys.exit("LibreOffice did not start")
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
if doc is None:
    sys.exit("LibreOffice could not open the workbook")
doc.calculateAll()
doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "Calc MS Excel 2007 XML"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
'''


def uno_python() -> str | None:
    """A Python that can import uno: Debian's system python3, where python3-uno installs it."""
    for candidate in ("/usr/bin/python3", sys.executable):
        if candidate and Path(candidate).exists():
            ok = subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0
            if ok:
                return candidate
    return None


def available() -> bool:
    return shutil.which("soffice") is not None and uno_python() is not None


def _free_port() -> int:
    """A port no other LibreOffice (another test run, another user) is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recalculate(src: Path, dst: Path, *, timeout: int = 180, attempts: int = 2) -> Path:
    """Open `src` in LibreOffice, recalculate every formula, save the result as xlsx to `dst`.

    A headless LibreOffice now and then exits badly while shutting its bridge down; what counts
    is whether it saved the file, and a run that did not is tried once more with a fresh office.
    """
    py = uno_python()
    if not shutil.which("soffice") or not py:
        raise RuntimeError("LibreOffice (soffice) with python3-uno is not installed")
    dst = Path(dst)
    problem = ""
    for _ in range(attempts):
        dst.unlink(missing_ok=True)
        problem = _run_once(py, Path(src), dst, timeout)
        if _saved(dst):
            return dst
    raise RuntimeError(f"LibreOffice recalculation failed: {problem or 'no file was saved'}")


def _run_once(py: str, src: Path, dst: Path, timeout: int) -> str:
    with tempfile.TemporaryDirectory() as profile:
        port = str(_free_port())
        office = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             f"-env:UserInstallation=file://{profile}",
             f"--accept=socket,host=127.0.0.1,port={port};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            done = subprocess.run([py, "-c", _SCRIPT, str(src.resolve()), str(dst.resolve()), port],
                                  capture_output=True, text=True, timeout=timeout)
            return (done.stderr.strip() or done.stdout.strip()) if done.returncode else ""
        except subprocess.TimeoutExpired:
            return f"no answer within {timeout} seconds"
        finally:
            office.terminate()
            try:
                office.wait(timeout=20)
            except subprocess.TimeoutExpired:
                office.kill()


def _saved(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)

"""A warm LibreOffice worker: run by the system's Python (which has ``uno``), spoken to over stdin/stdout.

Not imported by gidoc: :mod:`gidoc.output.pdf_pool` runs this file (package data)
under :func:`gidoc.output.soffice.uno_python`, because a venv cannot import
Debian's python3-uno.  Only the standard library and ``uno`` are used.

Started as ``python3 uno_bridge.py SOFFICE PROFILE_URL PIPE_NAME``, it starts
LibreOffice in its own process group (one group per worker, so one kill ends
both), connects to it over a named pipe, prints ``{"ready": true}`` and then
answers one JSON line per request line::

    {"source": "/abs/in.docx", "target": "/abs/out.pdf", "pdfa": false}
    → {"ok": true}  or  {"ok": false, "error": "…", "office_alive": bool}

(``"untouched": true`` when LibreOffice was found dead before the document was opened.)

Documents are opened hidden, read-only, with macros never run and links never
updated.  End of input closes LibreOffice; when LibreOffice dies, the bridge exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

FLAGS = (
    "--headless",
    "--invisible",
    "--nologo",
    "--nodefault",
    "--nofirststartwizard",
    "--nolockcheck",
    "--norestore",
)
#: com.sun.star.document.MacroExecMode.NEVER_EXECUTE, UpdateDocMode.NO_UPDATE
NEVER_EXECUTE = 0
NO_UPDATE = 0


def prop(name: str, value: object) -> object:
    """A com.sun.star.beans.PropertyValue."""
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


def say(message: dict[str, object]) -> None:
    """One answer line to gidoc."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def connect(office: subprocess.Popen[bytes], pipe: str) -> object:
    """LibreOffice's Desktop, once its pipe answers; None if it died first."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    while office.poll() is None:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # NoConnectException until LibreOffice listens
            time.sleep(0.02)
            continue
        return context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
    return None


def convert(desktop: object, request: dict[str, object]) -> None:
    """Open ``source`` hidden and store it as a PDF at ``target``."""
    source = uno.systemPathToFileUrl(str(request["source"]))
    target = uno.systemPathToFileUrl(str(request["target"]))
    document = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
        source,
        "_blank",
        0,
        (
            prop("Hidden", True),
            prop("ReadOnly", True),
            prop("MacroExecutionMode", NEVER_EXECUTE),
            prop("UpdateDocMode", NO_UPDATE),
        ),
    )
    if document is None:
        raise ValueError("LibreOffice could not open the document")
    try:
        calc = document.supportsService("com.sun.star.sheet.SpreadsheetDocument")
        options = [prop("FilterName", "calc_pdf_Export" if calc else "writer_pdf_Export")]
        if request.get("pdfa"):
            data = uno.Any("[]com.sun.star.beans.PropertyValue", (prop("SelectPdfVersion", 2),))
            options.append(prop("FilterData", data))
        uno.invoke(document, "storeToURL", (target, tuple(options)))
    finally:
        document.close(True)


def responsive(office: subprocess.Popen[bytes], desktop: object) -> bool:
    """Whether LibreOffice still runs and answers over its pipe."""
    if office.poll() is not None:
        return False
    try:
        desktop.getFrames()  # type: ignore[attr-defined]
    except Exception:  # DisposedException: the pipe's other end is gone
        return False
    return True


def end_group() -> None:
    """Kill this worker's whole process group (LibreOffice, oosplash, this bridge)."""
    os.killpg(os.getpgid(0), signal.SIGKILL)


def watch(office: subprocess.Popen[bytes], parent: int) -> None:
    """Exit as soon as LibreOffice does; end everything if gidoc itself is gone."""
    while True:
        try:
            office.wait(1)
        except subprocess.TimeoutExpired:
            if os.getppid() != parent:  # gidoc was killed: no LibreOffice may stay behind
                end_group()
            continue
        os._exit(1)


def main() -> None:
    """Start LibreOffice, then serve requests from stdin until it ends; leave nothing running."""
    parent = os.getppid()
    soffice, profile, pipe = sys.argv[1:4]
    office = subprocess.Popen(
        [
            soffice,
            *FLAGS,
            f"-env:UserInstallation={profile}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        serve(office, pipe, parent)
    finally:
        # However the bridge ends (end of input, gidoc gone, an error writing an answer),
        # it takes its LibreOffice with it.
        with contextlib.suppress(subprocess.TimeoutExpired):
            office.wait(10)
        end_group()


def serve(office: subprocess.Popen[bytes], pipe: str, parent: int) -> None:
    """Answer requests until end of input, then ask LibreOffice to close."""
    desktop = connect(office, pipe)
    if desktop is None:
        say({"ready": False, "error": f"LibreOffice exited with {office.returncode}"})
        return
    # LibreOffice dying between documents (killed, out of memory) ends the bridge at once,
    # so gidoc sees a dead worker before it hands it the next document.
    threading.Thread(target=watch, args=(office, parent), daemon=True).start()
    say({"ready": True})
    for line in sys.stdin:
        if not responsive(office, desktop):
            # Died since the last document: say so before touching this one, so that
            # gidoc hands it to a fresh LibreOffice instead of blaming the document.
            say(
                {
                    "ok": False,
                    "error": "LibreOffice is gone",
                    "office_alive": False,
                    "untouched": True,
                }
            )
            return
        try:
            convert(desktop, json.loads(line))
        except Exception as exc:  # any UNO failure is an answer, not the end
            alive = office.poll() is None
            say({"ok": False, "error": f"{type(exc).__name__}: {exc}", "office_alive": alive})
            if not alive:
                return
        else:
            say({"ok": True})
    with contextlib.suppress(Exception):  # already gone: nothing to close
        desktop.terminate()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()

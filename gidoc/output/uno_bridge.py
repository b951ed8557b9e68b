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

Documents are opened hidden, read-only, with macros never run and links never
updated.  End of input closes LibreOffice; if LibreOffice dies, the bridge exits.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
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


def main() -> None:
    """Start LibreOffice, then serve requests from stdin until it ends."""
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
    desktop = connect(office, pipe)
    if desktop is None:
        say({"ready": False, "error": f"LibreOffice exited with {office.returncode}"})
        return
    say({"ready": True})
    for line in sys.stdin:
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
    try:
        office.wait(10)
    except subprocess.TimeoutExpired:
        office.kill()


if __name__ == "__main__":
    main()

"""What PDF output needs, found or missing: LibreOffice and the open fonts behind the official names.

:func:`diagnose` looks; the :class:`Diagnosis` it returns carries its text,
its JSON form and its exit code, so ``gidoc doctor`` only prints it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gidoc.output import pdf
from gidoc.output import soffice as soffice_setup


@dataclass(frozen=True)
class FontCheck:
    """One font name of the template: the face fontconfig picks for it, and the one it should."""

    name: str
    wanted: str
    #: ``family:style`` as fc-match reports it; None when fc-match is missing.
    face: str | None

    @property
    def ok(self) -> bool:
        """True when the name resolves to the face gidoc's fontconfig file maps it to."""
        return self.face is not None and self.face.split(":")[0] == self.wanted


@dataclass(frozen=True)
class Diagnosis:
    """LibreOffice's path and version (None when not found), each font role's resolution, and
    the Python with LibreOffice's ``uno`` module that keeps LibreOffice warm (None: PDFs
    still work, each batch starting LibreOffice anew)."""

    soffice: str | None
    version: str | None
    fonts: tuple[FontCheck, ...]
    uno_python: str | None = None

    @property
    def libreoffice_ok(self) -> bool:
        """True when LibreOffice was found and answered with its version."""
        return self.soffice is not None and self.version is not None

    @property
    def missing(self) -> list[str]:
        """What to install, each once, in the order found: LibreOffice, then font families."""
        missing = [] if self.libreoffice_ok else ["LibreOffice"]
        missing += [font.wanted for font in self.fonts if not font.ok]
        return list(dict.fromkeys(missing))

    @property
    def exit_code(self) -> int:
        """3 (as a failed PDF conversion) when something is missing, else 0."""
        return pdf.ConversionError.exit_code if self.missing else 0

    def as_json(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready data."""
        missing = self.missing
        return {
            "ok": not missing,
            "libreoffice": {
                "ok": self.libreoffice_ok,
                "path": self.soffice,
                "version": self.version,
            },
            "warm": {"ok": self.uno_python is not None, "python": self.uno_python},
            "fonts": [
                {"name": f.name, "wanted": f.wanted, "face": f.face, "ok": f.ok} for f in self.fonts
            ],
            "missing": missing,
            "hint": pdf.INSTALL_HINT if missing else None,
        }

    def lines(self) -> Iterator[str]:
        """The diagnosis as text, one line at a time, ending with what to install if anything."""
        if self.libreoffice_ok:
            yield f"LibreOffice：{self.version}（{self.soffice}）"
        else:
            yield "LibreOffice：未找到"
        if self.uno_python is not None:
            yield f"常驻 LibreOffice（python3-uno）：可用（{self.uno_python}）"
        else:
            yield "常驻 LibreOffice（python3-uno）：不可用，每批 PDF 都要重新启动 LibreOffice；可安装 python3-uno"
        yield "字体（模板中的名称 → 生成 PDF 时实际使用的字体）："
        for font in self.fonts:
            mark = "✓" if font.ok else "✗"
            face = font.face or "（无法查询：缺少 fc-match）"
            yield f"  {mark} {font.name} → {face}（应为 {font.wanted}）"
        missing = self.missing
        if missing:
            yield f"缺少：{'、'.join(missing)}"
            yield pdf.INSTALL_HINT
        else:
            yield "一切就绪，可以生成 PDF。"

    def __str__(self) -> str:
        return "\n".join(self.lines())


def diagnose() -> Diagnosis:
    """Look for LibreOffice and resolve every font name gidoc's fontconfig file maps."""
    soffice = pdf.find_soffice()
    version = pdf.soffice_version(soffice) if soffice else None
    fonts = tuple(
        FontCheck(name, wanted, pdf.resolve_font(name)) for name, wanted in pdf.font_roles().items()
    )
    return Diagnosis(soffice, version, fonts, soffice_setup.uno_python())

"""An office's settings in its working folder: ``gidoc.toml`` or ``[tool.gidoc]`` in pyproject.toml.

Today one setting: the default template, so an office sets its house style
once instead of typing ``--template`` every year::

    # gidoc.toml
    template = "模板/本单位年报模板.docx"

A relative path is taken from the folder of the file that names it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gidoc.errors import GidocError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: The settings file gidoc looks for in the working folder.
CONFIG_FILE = "gidoc.toml"
_KEYS = {"template"}


class ConfigError(GidocError):
    """gidoc.toml (or [tool.gidoc]) cannot be read or names something wrong."""


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}：格式错误（{exc}）") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}：无法读取（{exc}）") from None


def settings(folder: Path) -> tuple[Path | None, dict[str, Any]]:
    """The settings file found in ``folder`` and its gidoc settings (empty when none)."""
    own = folder / CONFIG_FILE
    if own.is_file():
        table = _read(own)
        table = table.get("gidoc", table) if isinstance(table.get("gidoc"), dict) else table
        source: Path | None = own
    else:
        project = folder / "pyproject.toml"
        if not project.is_file():
            return None, {}
        table = _read(project).get("tool", {}).get("gidoc", {})
        source = project if table else None
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{source}：不认识的设置 {'、'.join(unknown)}；可用的设置：{'、'.join(sorted(_KEYS))}"
        )
    return source, table


def default_template(folder: Path) -> Path | None:
    """The template the settings in ``folder`` name, resolved; None when none is set."""
    source, table = settings(folder)
    value = table.get("template")
    if value is None or source is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{source}：template 应为模板文件的路径（文字）")
    path = Path(value)
    if not path.is_absolute():
        path = source.parent / path
    if not path.is_file():
        raise ConfigError(f"{source}：template 指定的模板 {path} 不存在")
    return path

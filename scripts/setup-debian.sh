#!/bin/sh
# Set up a Debian/Ubuntu machine for gidoc: Python with venv, and what PDF output
# needs — LibreOffice Writer (headless; Calc too, for re-saved Excel forms; python3-uno,
# LibreOffice's Python bridge, which keeps LibreOffice warm between PDFs: gidoc runs it
# under the system python3, so the venv needs nothing from it),
# poppler-utils (pdffonts, pdftotext, pdftoppm) and open stand-ins for the official fonts: Noto CJK (黑体, 宋体,
# 小标宋), Liberation (Times New Roman) and the Fandol fonts (仿宋, 楷体), taken
# out of Debian's texlive-lang-chinese package without installing TeX.
# With --test it also installs what the test suite needs: Debian's chromium (the
# browser tests drive it with playwright; no browser is downloaded) and, from npm,
# axe-core (package.json), which the tests inject into pages, and PostgreSQL (the
# web tests run once on SQLite and once on a throw-away PostgreSQL cluster).
# Runs as root, or re-runs itself with sudo.
set -eu
want_test=false
[ "${1:-}" = "--test" ] && want_test=true

if [ "$(id -u)" != 0 ]; then
  exec sudo sh "$0" "$@"
fi

export DEBIAN_FRONTEND=noninteractive
packages="libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils fontconfig fonts-noto-cjk fonts-liberation2 ca-certificates"
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  packages="$packages python3 python3-venv python3-pip"
fi
if $want_test; then
  packages="$packages chromium postgresql"
  command -v npm >/dev/null 2>&1 || packages="$packages npm"
fi
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $packages

fandol=/usr/local/share/fonts/fandol
if [ ! -f "$fandol/FandolFang-Regular.otf" ]; then
  work=$(mktemp -d)
  chown _apt "$work" 2>/dev/null || true  # apt-get download writes as _apt
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -q texlive-lang-chinese)
  mkdir -p "$fandol"
  dpkg-deb --fsys-tarfile "$work"/texlive-lang-chinese_*.deb \
    | tar -x -C "$work" --wildcards '*/fonts/opentype/public/fandol/*.otf'
  find "$work" -name 'Fandol[!B]*.otf' -exec cp {} "$fandol/" \;
  fc-cache -f >/dev/null
fi
if $want_test; then
  (cd "$(dirname "$0")/.." && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
fi
echo "gidoc set-up done: $(soffice --version 2>/dev/null | head -1)"

#!/bin/sh
# Render the samples to PDF and write their pages as PNG images into docs/,
# the pictures the README shows.  Needs gidoc installed and scripts/setup-debian.sh.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gidoc render samples/muye-2025.json samples/fingerprint-2025.yaml -o "$work" --pdf >/dev/null
gidoc render samples/fingerprint-2025.yaml --template samples/templates/office-custom.docx \
  -o "$work/custom/office-custom.pdf" >/dev/null
rm -f docs/*-page-*.png
for pdf in "$work"/*.pdf; do
  name=$(basename "$pdf" .pdf)
  pdftoppm -r 72 -png "$pdf" "docs/$name-page"
done
pdftoppm -r 72 -png -f 1 -l 1 "$work/custom/office-custom.pdf" docs/office-custom-page
ls docs/*.png

#!/bin/sh
# pdf.sh [RESULTS_DIR]: the deck (RESULTS_DIR/slides/index.html, make slides) printed by
#   headless Chromium to RESULTS_DIR/slides/slides.pdf: one slide a page (1280x720 px,
#   the deck's @page), no speaker notes. `make slides-pdf` runs it; `make deps-browser`
#   installs Chromium. Environment: CHROMIUM (default: chromium on the PATH).
set -u
res=${1:-results}
deck="$res/slides/index.html"
pdf="$res/slides/slides.pdf"
exe=${CHROMIUM:-}
[ -n "$exe" ] || exe=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$exe" ]; then
    echo "slides-pdf: Chromium is not installed (make deps-browser installs it)" >&2
    exit 3
fi
[ -f "$deck" ] || { echo "slides-pdf: no deck at $deck: run 'make slides' first" >&2; exit 2; }
abs=$(cd "$(dirname "$deck")" && pwd)/index.html
profile=$(mktemp -d "${TMPDIR:-/tmp}/parlab-chromium.XXXXXX") || exit 1
trap 'rm -rf "$profile" "$pdf.part"' EXIT INT TERM
# As root Chromium needs --no-sandbox; a new empty profile, nothing fetched or synced.
if ! "$exe" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --no-pdf-header-footer --print-to-pdf="$pdf.part" \
    "file://$abs" >"$profile/log" 2>&1 || [ ! -s "$pdf.part" ]; then
    echo "slides-pdf: Chromium failed: $(grep -v dbus "$profile/log" | tail -n 2)" >&2
    exit 1
fi
mv "$pdf.part" "$pdf"
pages=$(grep -a -c '/Type /Page$\|/Type /Page[^s]' "$pdf" 2>/dev/null || echo "?")
echo "slides-pdf: $pdf ($pages pages)"

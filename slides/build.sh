#!/bin/sh
# build.sh [RESULTS_DIR]: a talk deck made of YOUR results: RESULTS_DIR/slides/index.html,
#   one self-contained HTML file (charts inline, nothing from the network).
#   1. the charts again at slide size (plots/render.sh --slide: text of 20 px and more)
#      into RESULTS_DIR/plots/slide/;
#   2. every lesson's claims judged on the results (parlab report --format json);
#   3. slides/build.py puts them together with slides/talk.txt's words: a title slide,
#      per lab a question slide and one slide per claim (headline: the claim and its
#      verdict here; the chart beneath; speaker notes for the presenter view).
#   Environment: PARLAB (default: bin/parlab of this checkout, else parlab on the PATH),
#   PYTHON (default /usr/bin/python3, else python3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
res=${1:-results}
out="$res/slides"
# Run by `parlab tour` (through system()): the parlab that called us, whatever its build.
if [ -z "${PARLAB:-}" ]; then
    for p in $PPID $(awk '{ print $4 }' "/proc/$PPID/stat" 2>/dev/null); do
        exe=$(readlink "/proc/$p/exe" 2>/dev/null) || continue
        case "$exe" in */parlab) PARLAB=$exe; break ;; esac
    done
fi
if [ -z "${PARLAB:-}" ]; then
    PARLAB="$top/bin/parlab"
    [ -x "$PARLAB" ] || PARLAB=$(command -v parlab || echo "$top/bin/parlab")
fi
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3 || true)
if ! ls "$res"/*-summary.csv >/dev/null 2>&1; then
    echo "slides: no results in $res: run 'make tour' or a lab first" >&2
    exit 2
fi
if [ -z "$PYTHON" ]; then
    echo "slides skipped: python3 is not installed (make deps installs it)" >&2
    exit 0
fi
if [ ! -x "$PARLAB" ]; then
    echo "slides: no parlab at '$PARLAB' (make, or PARLAB=path/to/parlab)" >&2
    exit 2
fi
mkdir -p "$out"
json="$out/.report.json.$$"
trap 'rm -f "$json"' EXIT INT TERM
# The slide: 1280x720; a chart gets 1240x600 of it, drawn at that size (not scaled down).
sh "$top/plots/render.sh" --slide=1240x600 "$res" >"$out/.charts.log" 2>&1 ||
    echo "slides: some charts failed at slide size (see $out/.charts.log)" >&2
"$PARLAB" report "$res" --format json --out "$json" || exit 1
"$PYTHON" "$here/build.py" "$json" "$res" "$out/index.html"

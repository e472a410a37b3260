#!/bin/sh
# render.sh [--dumb] [RESULTS_DIR]: draw every chart whose input CSVs exist.
#   Each plots/NAME.gp starts with one or more "# input: FILE.csv" lines (FILE inside
#   RESULTS_DIR). It is run once for PNG and once for SVG into RESULTS_DIR/plots/, or
#   with --dumb once for the terminal (ssh, a projector without a browser).
#   A script is called with: in (first input), in2 (second input, if any), out, fmt
#   (png|svg|dumb) and plotdir (this folder, for `load plotdir.'/common.gp'`).
set -u
fmt_list="png svg"
if [ "${1:-}" = "--dumb" ]; then fmt_list=dumb; shift; fi
res=${1:-results}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "charts skipped: gnuplot is not installed (make deps installs gnuplot-nox)" >&2
    exit 0
fi
mkdir -p "$res/plots"
drawn=0
failed=0
for gp in "$here"/*.gp; do
    name=$(basename "$gp" .gp)
    [ "$name" = common ] && continue
    inputs=$(sed -n 's/^# input: *//p' "$gp")
    [ -n "$inputs" ] || continue
    missing=""
    set --
    for i in $inputs; do
        [ -f "$res/$i" ] || missing="$missing $i"
        set -- "$@" "$res/$i"
    done
    if [ -n "$missing" ]; then
        echo "  $name: no data yet (run the lab that writes$missing)"
        continue
    fi
    in1=$1; in2=${2:-}
    for fmt in $fmt_list; do
        out="$res/plots/$name.$fmt"
        [ "$fmt" = dumb ] && out=/dev/stdout
        if gnuplot -e "in='$in1'; in2='$in2'; out='$out'; fmt='$fmt'; plotdir='$here'" "$gp" \
            2>"$res/plots/.$name.err"; then
            [ "$fmt" = dumb ] || echo "  $out"
            drawn=$((drawn + 1))
        else
            echo "  $name ($fmt) FAILED: $(head -n 3 "$res/plots/.$name.err")" >&2
            failed=$((failed + 1))
        fi
        rm -f "$res/plots/.$name.err"
    done
done
echo "$drawn chart files drawn in $res/plots/"
[ "$failed" -eq 0 ]

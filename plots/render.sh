#!/bin/sh
# render.sh [--dumb|--slide[=WxH]] [RESULTS_DIR] [NAME...]: draw every chart whose input
#   CSVs exist (or only the charts NAME...).
#   Each plots/NAME.gp starts with one or more "# input: FILE.csv" lines (FILE inside
#   RESULTS_DIR). It is run once for PNG and once for SVG into RESULTS_DIR/plots/, or
#   with --dumb once for the terminal (ssh, a projector without a browser), or with
#   --slide once at slide size (PNG, 1280x720 unless WxH is given, text of 20 px and
#   more) into RESULTS_DIR/plots/slide/: what slides/build.sh puts on its slides.
#   A script is called with: in (first input), in2 (second input, if any), out, fmt
#   (png|svg|dumb|slide), plotdir (this folder, for `load plotdir.'/common.gp'`), and
#   for slides slide_w and slide_h (pixels).
set -u
fmt_list="png svg"
slide_w=1280 slide_h=720
case "${1:-}" in
--dumb) fmt_list=dumb; shift ;;
--slide) fmt_list=slide; shift ;;
--slide=*)
    fmt_list=slide
    wh=${1#--slide=}
    slide_w=${wh%x*} slide_h=${wh#*x}
    case "$slide_w$slide_h" in
    *[!0-9]* | "") echo "render.sh: --slide=WxH: '$wh' is not two numbers (1280x720)" >&2; exit 2 ;;
    esac
    shift ;;
esac
res=${1:-results}
[ $# -gt 0 ] && shift
only=" $* "
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "charts skipped: gnuplot is not installed (make deps installs gnuplot-nox)" >&2
    exit 0
fi
mkdir -p "$res/plots"
[ "$fmt_list" = slide ] && mkdir -p "$res/plots/slide"
drawn=0
failed=0
for gp in "$here"/*.gp; do
    name=$(basename "$gp" .gp)
    [ "$name" = common ] && continue
    [ "$only" = "  " ] || case "$only" in *" $name "*) ;; *) continue ;; esac
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
        size=
        [ "$fmt" = dumb ] && out=/dev/stdout
        [ "$fmt" = slide ] && out="$res/plots/slide/$name.png" && size="slide_w=$slide_w; slide_h=$slide_h; "
        if gnuplot -e "in='$in1'; in2='$in2'; out='$out'; fmt='$fmt'; ${size}plotdir='$here'" "$gp" \
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

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
here=$(cd "$(dirname "$0")" && pwd)

# --one RES W H NAME FMT IN1 IN2 PANEL: draw one chart in one format (the jobs below run
# these side by side, one per usable CPU: gnuplot is single-threaded, and the tour waits).
# PANEL ('-': none): a slide of one panel of a chart with several, NAME-PANEL.png; the
# script names its panels in a "# slide panels: a b c" line and draws the one in `panel`.
if [ "${1:-}" = --one ]; then
    res=$2 slide_w=$3 slide_h=$4 name=$5 fmt=$6 in1=$7 in2=$8 panel=$9
    [ "$in2" = - ] && in2=
    out="$res/plots/$name.$fmt"
    size=
    [ "$fmt" = dumb ] && out=/dev/stdout
    [ "$fmt" = slide ] && out="$res/plots/slide/$name.png" && size="slide_w=$slide_w; slide_h=$slide_h; "
    [ "$panel" != - ] && out="$res/plots/slide/$name-$panel.png" && size="${size}panel='$panel'; "
    err="$res/plots/.$name.$fmt.$panel.err"
    if gnuplot -e "in='$in1'; in2='$in2'; out='$out'; fmt='$fmt'; ${size}plotdir='$here'" "$here/$name.gp" \
        2>"$err"; then
        [ "$fmt" = dumb ] || echo "  $out"
        rm -f "$err"
        exit 0
    fi
    echo "  $name ($fmt) FAILED: $(head -n 3 "$err")" >&2
    rm -f "$err"
    exit 1
fi

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
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "charts skipped: gnuplot is not installed (make deps installs gnuplot-nox)" >&2
    exit 0
fi
mkdir -p "$res/plots"
[ "$fmt_list" = slide ] && mkdir -p "$res/plots/slide"
jobs=$(mktemp)
log=$(mktemp)
trap 'rm -f "$jobs" "$log"' EXIT INT TERM
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
    panels=$(sed -n 's/^# slide panels: *//p' "$gp")
    for fmt in $fmt_list; do
        printf '%s\0%s\0%s\0%s\0-\0' "$name" "$fmt" "$1" "${2:--}" >>"$jobs"
        if [ "$fmt" = slide ]; then
            for p in $panels; do
                printf '%s\0%s\0%s\0%s\0%s\0' "$name" "$fmt" "$1" "${2:--}" "$p" >>"$jobs"
            done
        fi
    done
done
# Side by side, one gnuplot per usable CPU (in the terminal, one after the other).
np=$(nproc 2>/dev/null || echo 1)
[ "$fmt_list" = dumb ] && np=1
if [ "$fmt_list" = dumb ]; then
    xargs -0 -n 5 -P 1 sh "$0" --one "$res" "$slide_w" "$slide_h" <"$jobs"
    rc=$?
    drawn=$(tr -cd '\0' <"$jobs" | wc -c)
    drawn=$((drawn / 5))
else
    xargs -0 -n 5 -P "$np" sh "$0" --one "$res" "$slide_w" "$slide_h" <"$jobs" >"$log"
    rc=$?
    sort "$log"
    drawn=$(grep -c . "$log")
fi
echo "$drawn chart files drawn in $res/plots/"
[ "$rc" -eq 0 ]

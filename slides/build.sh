#!/bin/sh
# build.sh [RESULTS_DIR]: a talk deck made of YOUR results: results/slides/index.html.
#   One title slide (the machine, from a meta file), then one slide a chart found in
#   RESULTS_DIR/plots/, titled with its lab's question (from `parlab list`). Open it in
#   any browser; arrow keys or clicks move between slides, F for full screen.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
res=${1:-results}
out="$res/slides"
parlab="$top/bin/parlab"
[ -d "$res/plots" ] || { echo "no charts in $res/plots: run 'make tour' or 'make plots' first" >&2; exit 2; }
mkdir -p "$out"
esc() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
meta=$(ls "$res"/*-meta.csv 2>/dev/null | head -n 1 || true)
get() { [ -n "$meta" ] && awk -F, -v k="$1" '$1==k { sub(/^[^,]*,/, ""); gsub(/"/, ""); print; exit }' "$meta"; }
tmp="$out/.index.html.$$"
trap 'rm -f "$tmp"' EXIT INT TERM
{
cat "$here/head.html"
printf '<section><h1>Using every core</h1><p class="sub">measured here, today</p><table>\n'
for k in cpu_model cpus_usable cores smt_threads_per_core kernel compiler python date; do
    v=$(get "$k" | esc)
    [ -n "$v" ] && printf '<tr><th>%s</th><td>%s</td></tr>\n' "$k" "$v"
done
printf '</table></section>\n'
# The talk's order: the labs as `parlab list` gives them, each lab's charts in the order
# its lesson tells the story; the cores recording (the tour records the gil lab) after
# the GIL. A chart not listed here (a new lab's) comes at the end.
order="speedup gil_scaling gil_timeline cores gil_convoy gil_libraries tvp-create tvp-memory
       tvp-latency tvp-bandwidth tvp-scaling pool-overhead pool-granularity pool-chunksize
       sync sync_fs c2c"
for png in "$res"/plots/*.png; do
    n=$(basename "$png" .png)
    case " $(echo $order) " in *" $n "*) ;; *) order="$order $n" ;; esac
done
for name in $order; do
    [ -f "$res/plots/$name.png" ] || continue
    lab=${name%%[-_]*}
    case "$lab" in speedup) lab=amdahl ;; c2c) lab=sync ;; cores) lab=parmon ;; esac
    q=$("$parlab" list 2>/dev/null | awk -v l="$lab" '$1==l { $1=""; sub(/^ /, ""); print }' | sed 's/ \[cannot.*//' | esc)
    src="labs/$lab/README.md"
    if [ "$lab" = parmon ]; then
        q="what each core did over time (parmon's recording; the tour records the gil lab)"
        src="docs/parmon.md"
    fi
    [ -n "$q" ] || q="$lab"
    printf '<section><h2>%s</h2><img src="../plots/%s.png" alt="%s"><p class="src">%s &middot; %s</p></section>\n' \
        "$q" "$name" "$name" "$name" "$src"
done
cat "$here/tail.html"
} >"$tmp"
mv "$tmp" "$out/index.html"
trap - EXIT INT TERM
echo "slides: $out/index.html ($(grep -c '<section>' "$out/index.html") slides)"

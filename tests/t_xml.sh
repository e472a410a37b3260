#!/bin/sh
# The xml lab beyond the smoke test: bad options, the contract (experiments, variants,
# metrics, paired series, the split's ceiling), the corpus's fingerprint against its
# Python twin (same seed, same bytes), the missing-package paths (no Debian XML files,
# no lxml), the .py files on their own, SIGTERM during a process pool leaving nothing
# behind, and the claims judged on doctored summaries. No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
out="$TMPDIR/xml"
mkdir -p "$out"
py=/usr/bin/python3
fast="--quick --reps 2 --docs 24 --doc-kb 8"

if "$PARLAB" list | grep -q "^xml .*cannot run here"; then
    "$PARLAB" run xml --quick --out "$out/na" >"$out/na.out" 2>"$out/na.err"
    rc=$?
    [ $rc -eq 3 ] && grep -q "skipped" "$out/na.err" && ok "xml: cannot run in this build: exit 3, says why" ||
        bad "xml: unavailable: exit $rc: $(cat "$out/na.err")"
    exit 0
fi

# ---- bad options: one line naming the value, exit 2, nothing written ---------------------------
for args in "--docs 0" "--doc-kb abc" "--seed -1" "--chunk-kb 0" "--experiment frob" "--docs 100000 --doc-kb 16384"; do
    # shellcheck disable=SC2086
    "$PARLAB" run xml $args --out "$out/bad" >"$out/bad.out" 2>"$out/bad.err"
    rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$out/bad.err")" -eq 1 ] && [ ! -s "$out/bad.out" ] && [ ! -e "$out/bad" ]; then
        ok "xml: $args is a usage error: $(cat "$out/bad.err")"
    else
        bad "xml: $args exits $rc: $(cat "$out/bad.err")"
    fi
done

# ---- a short run: the contract --------------------------------------------------------------------
# shellcheck disable=SC2086
PARLAB_CHECK_PLAN=1 "$PARLAB" run xml $fast --workers 1,2 --out "$out/run" >"$out/run.out" 2>"$out/run.err" </dev/null
rc=$?
[ $rc -eq 0 ] && ok "xml: a short run works" || { bad "xml: exit $rc: $(tail -n 3 "$out/run.err")"; exit 0; }
grep -q "planned .* points but ran" "$out/run.err" && bad "xml: $(grep planned "$out/run.err")" || ok "xml: ran the points it planned"
runs="$out/run/xml-runs.csv"
sum="$out/run/xml-summary.csv"
meta="$out/run/xml-meta.csv"
[ -x "$TOOLS/tool_csvcheck" ] && "$TOOLS/tool_csvcheck" "$out/run" xml | grep -v "^ok" | sed 's/^/  /'
has() { awk -F, -v e="$1" -v v="$2" -v m="$3" '$3 == e && $4 == v && $7 == m { f = 1 } END { exit !f }' "$sum"; }
skipped() { grep -q "skipped: $1 $2," "$out/run.out"; }
for ev in c-parse,expat-threads c-parse,libxml2-threads c-parse,expat-openmp c-parse,libxml2-openmp \
          split,whole-files split,split-records python,etree python,etree-processes \
          python,lxml python,lxml-default-parser python,lxml-shared-parser python,lxml-iterparse python,lxml-processes; do
    e=${ev%,*} v=${ev#*,}
    if has "$e" "$v" mb_per_s && has "$e" "$v" speedup && has "$e" "$v" cpu_cores; then ok "xml: $e $v: seconds, MB/s, speedup, cpu_cores"
    elif skipped "$e" "$v"; then ok "xml: $e $v skipped, saying why: $(grep "skipped: $e $v," "$out/run.out" | head -n 1 | cut -c1-100)"
    else bad "xml: no rows for $e $v, and no reason"; fi
done
has python etree-processes-trees seconds && bad "xml: --quick measured the trees variant" || ok "xml: --quick leaves out the trees variant"
# paired: every repetition of a series ran every worker count; speedup 1 at one worker
awk -F, 'NR > 1 && $8 == "seconds" { c[$3 "/" $4 "/" $7]++; w[$3 "/" $4 "/" $5] = 1 }
         NR > 1 && $8 == "speedup" && $5 == 1 && $9 != 1 { print "speedup " $9 " at 1 worker: " $3 " " $4; bad = 1 }
         END { for (k in c) if (c[k] != 2) { print k " has " c[k] " worker counts"; bad = 1 } exit bad }' "$runs" >"$out/pair.err" &&
    ok "xml: every repetition ran every worker count; speedup 1 at one worker" || bad "xml: series: $(head -n 2 "$out/pair.err")"
awk -F, '$3 == "split" && $7 == "speedup_bound" && $5 == 0 && $10 >= 1 { f = 1 } END { exit !f }' "$sum" &&
    ok "xml: the split's ceiling total / largest is a summary row" || bad "xml: no speedup_bound row"
grep -q ",split,split-records,1,[^,]*,[1-9],cut_seconds," "$runs" && ok "xml: the cut's seconds recorded" || bad "xml: no cut_seconds"
want() { awk -F, -v v="$1" '$3 == "python" && $4 == v && $5 == 2 && $8 == "cores_wanted" { print $9 + 0; exit }' "$runs"; }
usable=$(awk -F, '$1 == "cpus_usable" { print $2 }' "$meta")
two=2; [ "$usable" -lt 2 ] && two=$usable
[ "$(want etree)" = 1 ] && [ "$(want etree-processes)" = "$two" ] && ok "xml: cores_wanted 1 for ElementTree threads, min(2, usable) for processes" ||
    bad "xml: cores_wanted: etree $(want etree), etree-processes $(want etree-processes)"
grep -q "every run found the same [0-9]* elements" "$out/run.out" && ok "xml: every C run found the same elements" ||
    { grep -q "skipped: c-parse" "$out/run.out" || bad "xml: no element check line"; }
n=$(grep -c "^  \(holds\|does not hold\|cannot tell\) " "$out/run.out")
[ "$n" -eq 12 ] && ok "xml: 12 claims judged after the experiments" || bad "xml: $n claims judged, expected 12"
"$PARLAB" report "$out/run" >"$out/report" 2>&1 && grep -q "^== xml" "$out/report" && ok "xml: parlab report judges the run" ||
    bad "xml: report: $(tail -n 2 "$out/report")"

# ---- the corpus: the same seed, the same bytes, in C and in Python ---------------------------------
fp=$(awk -F, '$1 == "corpus_fnv1a64" { print $2 }' "$meta")
if [ -x $py ]; then
    pyfp=$($py "$top/datasets/xml/corpus.py" --seed 1 --docs 24 --kb 8 --checksum | cut -d' ' -f1)
    [ -n "$fp" ] && [ "$fp" = "$pyfp" ] && ok "xml: the lab's corpus is datasets/xml/corpus.py's, byte for byte ($fp)" ||
        bad "xml: corpus fingerprints differ: lab '$fp', corpus.py '$pyfp'"
    PARLAB_CHECK_PLAN=1 "$PARLAB" run xml --quick --reps 1 --docs 5 --doc-kb 3 --seed 77 --experiment c-parse --workers 1 \
        --out "$out/seed" >/dev/null 2>&1
    fp2=$(awk -F, '$1 == "corpus_fnv1a64" { print $2 }' "$out/seed/xml-meta.csv" 2>/dev/null)
    pyfp2=$($py "$top/datasets/xml/corpus.py" --seed 77 --docs 5 --kb 3 --checksum | cut -d' ' -f1)
    [ -n "$fp2" ] && [ "$fp2" = "$pyfp2" ] && [ "$fp2" != "$fp" ] && ok "xml: another seed, another corpus, the same in both" ||
        bad "xml: seed 77: lab '$fp2', corpus.py '$pyfp2'"
    # corpus.py writes the files; xml_tasks.py parses them on its own
    $py "$top/datasets/xml/corpus.py" --docs 6 --kb 4 "$out/files" >/dev/null 2>&1
    [ "$(ls "$out/files" | wc -l)" -eq 6 ] && ok "xml: corpus.py writes one file an article" || bad "xml: corpus.py wrote $(ls "$out/files" | wc -l) files"
    o=$($py "$top/labs/xml/xml_tasks.py" --workers 2 "$out/files" 2>&1)
    echo "$o" | grep -q "^etree " && echo "$o" | grep -q "^etree-processes " && ok "xml: xml_tasks.py runs alone" ||
        bad "xml: xml_tasks.py alone: $(echo "$o" | tail -n 3)"
fi

# ---- missing packages: no Debian XML files; no lxml ------------------------------------------------
mkdir -p "$out/emptyroot"
PARLAB_XML_ROOT="$out/emptyroot" PARLAB_CHECK_PLAN=1 "$PARLAB" run xml $fast --experiment split --out "$out/nodeb" \
    >"$out/nodeb.out" 2>"$out/nodeb.err" </dev/null
rc=$?
if [ $rc -eq 0 ] && grep -q "none of the Debian XML files is here (.*shared-mime-info.*iso-codes" "$out/nodeb.out" &&
    grep -q ",split,whole-files,.*data=generated" "$out/nodeb/xml-runs.csv"; then
    ok "xml: without the Debian files, split says which packages and uses the generated corpus as one file"
else bad "xml: no Debian files: exit $rc: $(grep -i "debian\|skipped" "$out/nodeb.out" | head -n 2)"; fi
if [ -x $py ] && $py -c 'import lxml' 2>/dev/null; then
    mkdir -p "$out/nolxml/lxml"
    echo 'raise ImportError("hidden by t_xml.sh")' >"$out/nolxml/lxml/__init__.py"
    PYTHONPATH="$out/nolxml" PARLAB_CHECK_PLAN=1 "$PARLAB" run xml $fast --experiment python --workers 1,2 \
        --out "$out/nolx" >"$out/nolx.out" 2>"$out/nolx.err" </dev/null
    rc=$?
    n=$(grep -c "skipped: python lxml.*hidden by t_xml.sh.*python3-lxml" "$out/nolx.out")
    if [ $rc -eq 0 ] && [ "$n" -eq 10 ] && ! grep -q planned "$out/nolx.err" && grep -q ",python,etree,2," "$out/nolx/xml-runs.csv"; then
        ok "xml: without lxml its 10 points are skipped with the reason; ElementTree still runs"
    else bad "xml: no lxml: exit $rc, $n skips: $(grep skipped "$out/nolx.out" | head -n 2)"; fi
fi

# ---- SIGTERM while a process pool parses: exit 143, nothing left --------------------------------------
descendants() { for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
status="$out/status"
mkdir -p "$status"
PARLAB_STATUS_DIR="$status" "$PARLAB" run xml --experiment python --docs 64 --doc-kb 24 --reps 30 --workers 1,2 \
    --out "$out/term" >"$out/term.out" 2>"$out/term.err" </dev/null &
pid=$!
seen="" ready=no
end=$(($(date +%s) + 120))
while [ "$(date +%s)" -lt $end ]; do # the threads' variants first, then the pools: look often
    seen="$seen $(descendants $pid)"
    for c in $(pgrep -P $pid); do [ -n "$(pgrep -P "$c")" ] && ready=yes; done # the pool's workers
    [ $ready = yes ] && break
    kill -0 $pid 2>/dev/null || break
done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
left=""
for _ in $(seq 1 50); do
    left=""
    for p in $(echo "$seen" | tr ' ' '\n' | sort -u); do
        [ -n "$p" ] && kill -0 "$p" 2>/dev/null && left="$left $p"
    done
    [ -z "$left" ] && break
    sleep 0.1
done
if [ $ready = no ]; then bad "xml: SIGTERM: the pool never started ($(tail -n 1 "$out/term.err"))"
elif [ $rc -eq 143 ] && [ -z "$left" ] && [ ! -e "$out/term/xml-runs.csv" ] && [ -z "$(ls -A "$status")" ]; then
    ok "xml: SIGTERM during a process pool: exit 143, no process, result or status page left"
else bad "xml: SIGTERM: exit $rc, left:$left, files: $(ls "$out/term" 2>/dev/null | tr '\n' ' ') status: $(ls "$status")"; fi

# ---- the claims on doctored summaries ----------------------------------------------------------------
doctor() { # dir usable "experiment:variant:workers:metric:median" ...
    d=$1 u=$2
    shift 2
    mkdir -p "$d"
    printf 'key,value\ncpus_usable,%s\nquick,1\nreps,5\n' "$u" >"$d/xml-meta.csv"
    echo "run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags" >"$d/xml-summary.csv"
    for r in "$@"; do
        echo "$r" | awk -F: '{ printf "x,xml,%s,%s,%s,,%s,x,5,%s,%s,%s,%s,%s,0,0.94,\n", $1, $2, $3, $4, $5, $5 * 0.97, $5 * 1.03, $5 * 0.97, $5 * 1.03 }' >>"$d/xml-summary.csv"
    done
}
rows() { # c_sp lxml_sp et_sp procs_sp trees_s whole_sp
    echo "c-parse:expat-threads:1:mb_per_s:120 c-parse:libxml2-threads:1:mb_per_s:45 c-parse:expat-threads:2:speedup:$1" \
         "c-parse:libxml2-threads:2:speedup:$1 c-parse:expat-openmp:2:speedup:$1 c-parse:libxml2-openmp:2:speedup:$1" \
         "split:whole-files:0:speedup_bound:1.58 split:whole-files:2:speedup:$6 split:split-records:2:speedup:$1" \
         "python:lxml:2:speedup:$2 python:etree:2:speedup:$3 python:lxml-iterparse:2:speedup:$3 python:lxml-shared-parser:2:speedup:$3" \
         "python:etree-processes:2:speedup:$4 python:etree-processes:2:seconds:0.05 python:etree-processes-trees:2:seconds:$5" \
         "python:etree:1:mb_per_s:50"
}
# shellcheck disable=SC2046
doctor "$out/good" 2 $(rows 1.9 1.8 0.95 1.6 0.5 1.4)
# shellcheck disable=SC2046
doctor "$out/doctored" 2 $(rows 1.2 1.0 1.8 0.9 0.05 1.95)
n=$("$PARLAB" report "$out/good" 2>&1 | grep -c "^  holds ")
[ "$n" -eq 12 ] && ok "xml: a summary as the lesson says: 12 claims hold" || bad "xml: good summary: $n hold"
n=$("$PARLAB" report "$out/doctored" 2>&1 | grep -c "^  does not hold ")
[ "$n" -eq 10 ] && ok "xml: a doctored summary: the 10 speedup claims do not hold" ||
    bad "xml: doctored: $n do not hold: $("$PARLAB" report "$out/doctored" 2>&1 | grep -B1 -A2 "^  \(holds\|cannot\)" | head -n 8)"
exit 0

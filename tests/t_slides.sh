#!/bin/sh
# The talk deck (make slides): built from a small set of results (amdahl's sleep
# experiment, the freeze lab's C loop, a hand-written sync run on 2 CPUs whose c2c chart
# must become a sentence), then loaded in a real browser, headless Chromium
# (slides/check.py): no console errors, every image loads, every slide has a headline
# (all different) and speaker notes (hidden from the audience, shown in the presenter
# view), the keys move, print to PDF gives a page a slide; and make slides-pdf's
# Chromium run gives the same. Screenshots of a few slides are left in
# results/slides-test/ (SLIDES_SHOTS) for a person to look at. Without Chromium (make
# deps-browser) the browser checks say they were skipped. No check reads a timing.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
skip() { echo "ok - $* # SKIP"; }
top=${PARLAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)
if [ -z "$PY" ]; then
    skip "slides: no python3 here, the deck is not built"
    exit 0
fi
if ! "$PARLAB" help freeze >/dev/null 2>&1 || ! "$PARLAB" help amdahl >/dev/null 2>&1; then
    skip "slides: this parlab does not run amdahl and freeze (a partial build)"
    exit 0
fi
res="$TMPDIR/slides-res"
mkdir -p "$res"
"$PARLAB" run amdahl --quick --experiment sleep --out "$res" >"$TMPDIR/s-amdahl.out" 2>&1 ||
    bad "slides: amdahl --experiment sleep failed: $(tail -n 2 "$TMPDIR/s-amdahl.out")"
"$PARLAB" run freeze --quick --experiment c --seconds 0.3 --out "$res" >"$TMPDIR/s-freeze.out" 2>&1 ||
    bad "slides: freeze --experiment c failed: $(tail -n 2 "$TMPDIR/s-freeze.out")"
# A sync run written by hand, on 2 CPUs: its c2c chart means nothing there.
cat >"$res/sync-summary.csv" <<'EOF'
run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags
r1,sync,c2c,pingpong,2,pair=0-1,ns_one_way,ns,5,80,70,90,70,90,0,0.9375,
EOF
cat >"$res/sync-meta.csv" <<'EOF'
key,value
run_id,r1
cpus_usable,2
cpu_model,Hand-written CPU
python,3.11.2
date,2026-12-01T12:00:00+0000
quick,1
reps,5
experiments,c2c
EOF

# the machine-readable report the deck is built from
"$PARLAB" report "$res" --format json >"$TMPDIR/s-report.json" 2>"$TMPDIR/s-report.err"
rc=$?
if [ $rc -eq 0 ] && "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
labs = {l["name"]: l for l in d["labs"]}
f = labs["freeze"]
assert f["machine"]["quick"] is True and f["machine"]["reps"] == 3, f["machine"]  # freeze: 3 quick reps
c = [x for x in f["claims"] if x["text"].startswith("Blocking I/O inside the UI loop")][0]
assert c["verdict_key"] in ("holds", "fails", "cannot") and c["parts"] and c["parts"][0]["unit"] == "ms", c
assert sum(d["counts"].values()) == sum(len(l["claims"]) for l in d["labs"])' "$TMPDIR/s-report.json" 2>"$TMPDIR/s-json.err"; then
    ok "slides: parlab report --format json: valid JSON with each claim's verdict and values"
else
    bad "slides: report --format json: rc $rc, $(tail -n 2 "$TMPDIR/s-json.err" "$TMPDIR/s-report.err")"
fi
PARLAB="$PARLAB" sh "$top/slides/build.sh" "$res" >"$TMPDIR/s-build.out" 2>&1
rc=$?
deck="$res/slides/index.html"
if [ $rc -ne 0 ] || [ ! -s "$deck" ]; then
    bad "slides: build.sh exits $rc: $(tail -n 3 "$TMPDIR/s-build.out")"
    exit 0
fi
ok "slides: build.sh writes $(sed -n 's/.*(\([0-9]* slides\).*/\1/p' "$TMPDIR/s-build.out")"
# one file: no src or href but data: and #
if grep -o '\(src\|href\)="[^"#d][^"]*"' "$deck" | grep -v '"data:' | grep -q .; then
    bad "slides: the deck refers to other files: $(grep -o '\(src\|href\)="[^"#d][^"]*"' "$deck" | head -n 3)"
else
    ok "slides: one self-contained file (charts inline)"
fi
# amdahl ran 5 quick repetitions (94% intervals), freeze 3 (75%): the title says both
grep -q 'measured [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "$deck" && grep -q 'quick mode: 3/5 repetitions, 75%/94% intervals' "$deck" &&
    ok "slides: the title slide says the machine and the mode in words" ||
    bad "slides: the title slide lacks the machine in words: $(grep -o '<p class="machine">[^<]*' "$deck")"
grep -q 'Core-to-core latency needs 4 or more CPUs' "$deck" &&
    ok "slides: the c2c chart on 2 CPUs is a sentence, not a chart" || bad "slides: no sentence for c2c on 2 CPUs"
grep -q 'data-chart="c2c"' "$deck" && bad "slides: the c2c chart is shown on 2 CPUs" || ok "slides: no c2c chart on 2 CPUs"
grep -q 'Blocking I/O in the loop froze the UI\|The frozen UI: worst frame' "$deck" &&
    ok "slides: a claim's headline is its verdict on these numbers" || bad "slides: no freeze headline"
grep -q 'cpus_usable\|smt_threads_per_core' "$deck" && bad "slides: raw meta keys on a slide" ||
    ok "slides: no raw meta keys"

# ---- in a real browser ---------------------------------------------------------------------
shots=${SLIDES_SHOTS:-$top/results/slides-test}
rm -rf "$shots"
"$PY" "$top/slides/check.py" "$deck" "$shots" >"$TMPDIR/s-check.out" 2>&1
rc=$?
if [ $rc -eq 3 ]; then
    skip "slides: Chromium is not installed (make deps-browser): the browser checks are skipped"
    exit 0
fi
sed 's/^\(not \)*ok - /&slides in Chromium: /' "$TMPDIR/s-check.out" | grep '^\(not \)*ok - \|^#'
[ $rc -eq 0 ] || bad "slides: check.py exits $rc: $(tail -n 3 "$TMPDIR/s-check.out")"
n=$(ls "$shots"/*.png 2>/dev/null | wc -l)
[ "$n" -ge 4 ] && ok "slides: $n screenshots in $shots for a person to look at" ||
    bad "slides: only $n screenshots in $shots"

# make slides-pdf's way: Chromium's --print-to-pdf, a page a slide
sh "$top/slides/pdf.sh" "$res" >"$TMPDIR/s-pdf.out" 2>&1
rc=$?
slides=$(grep -c '<section class="slide' "$deck")
pages=$(grep -a -c '/Type /Page$\|/Type /Page[^s]' "$res/slides/slides.pdf" 2>/dev/null)
if [ $rc -eq 0 ] && [ "${pages:-0}" -eq "$slides" ]; then
    ok "slides: slides-pdf prints one page a slide ($pages)"
else
    bad "slides: slides-pdf: exit $rc, ${pages:-no} pages for $slides slides: $(tail -n 2 "$TMPDIR/s-pdf.out")"
fi

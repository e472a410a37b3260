#!/bin/sh
# parlab report: a pure function of the files. Summaries written by hand are judged
# (holds / does not hold / cannot tell, with the numbers), impossible points are named,
# and a missing or malformed file is exit 2 naming the file and the line. No lab runs
# here, so nothing depends on the machine.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }

hdr='run_id,lab,experiment,variant,workers,param,metric,unit,n,median,min,max,ci_lo,ci_hi,outliers,ci_level,flags'
meta() { # DIR LAB USABLE QUICK REPS
    printf 'key,value\nrun_id,R\nlab,%s\ncpus_usable,%s\nquick,%s\nreps,%s\ncpu_model,Test CPU\npython,3.11\ndate,2026-12-01\n' \
        "$2" "$3" "$4" "$5" >"$1/$2-meta.csv"
}
# amdahl rows: speedup at 1 and 2 workers for both variants, and the fits.
amdahl_rows() { # SPEEDUP2 FIT
    for v in pthreads openmp; do
        echo "R,amdahl,scaling,$v,1,serial=0.30,speedup,x,5,1,1,1,1,1,0,0.9375,"
        echo "R,amdahl,scaling,$v,2,serial=0.30,speedup,x,5,$1,$1,$1,$1,$1,0,0.9375,"
        echo "R,amdahl,scaling,$v,0,serial=0.30,amdahl_serial_fraction,fraction,3,$2,$2,$2,,,,,"
    done
}

# 1. As the lesson says: both claims hold.
d="$TMPDIR/rep-good"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.5 0.31; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 1 5
"$PARLAB" report "$d" >"$d/out" 2>&1; rc=$?
[ $rc -eq 0 ] && ok "report on a hand-written summary exits 0" || bad "report exited $rc: $(head -n 3 "$d/out")"
[ "$(grep -c '^  holds' "$d/out")" -eq 2 ] && ok "both scaling claims hold on numbers that agree" ||
    bad "expected 2 holds: $(cat "$d/out")"
grep -q "2 hold, 0 do not hold, [0-9]* cannot tell" "$d/out" && ok "the report counts its verdicts" || bad "no count line"
grep -q "why: the sleep experiment is not in these results" "$d/out" &&
    ok "claims of experiments that did not run: cannot tell, and why" || bad "missing experiments: $(cat "$d/out")"

# 2. Doctored: no speedup, and a fit far from the configured fraction: does not hold.
d="$TMPDIR/rep-bad"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.0 0.9; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 0 5
"$PARLAB" report "$d" >"$d/out" 2>&1
[ "$(grep -c '^  does not hold' "$d/out")" -eq 2 ] && ok "doctored numbers: both claims do not hold" ||
    bad "expected 2 'does not hold': $(cat "$d/out")"

# 3. An interval that straddles the threshold: cannot tell, and says why.
d="$TMPDIR/rep-straddle"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.3 0.31 | sed 's/,2,serial=0.30,speedup,x,5,1.3,1.3,1.3,1.3,1.3,/,2,serial=0.30,speedup,x,5,1.3,1.1,1.6,1.1,1.6,/'; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 1 5
"$PARLAB" report "$d" >"$d/out" 2>&1
grep -q "^  cannot tell.*serial fraction s caps" "$d/out" && grep -q "straddles" "$d/out" &&
    ok "a straddling interval: cannot tell, and why" || bad "straddle: $(cat "$d/out")"

# 4. One usable CPU: parallel claims cannot tell.
d="$TMPDIR/rep-onecpu"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.0 0.9; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 1 1 5
"$PARLAB" report "$d" >"$d/out" 2>&1
[ "$(grep -c 'why: 1 usable CPU here' "$d/out")" -eq 2 ] && ! grep -q '^  does not hold' "$d/out" &&
    ok "one usable CPU: cannot tell, saying so" || bad "one CPU: $(cat "$d/out")"

# 5. A speedup above the cores it used is impossible, whoever wrote the file.
d="$TMPDIR/rep-impossible"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.5 0.31
  echo "R,amdahl,scaling,pthreads,2,serial=0.30,cpu_cores,cores,5,1,1,1,1,1,0,0.9375,"
  echo "R,amdahl,scaling,pthreads,2,serial=0.30,cores_wanted,cores,1,1.54,1.54,1.54,1.54,1.54,,0,"
  echo "R,amdahl,scaling,pthreads,1,serial=0.30,cpu_cores,cores,5,1,1,1,1,1,0,0.9375,"; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 1 5
"$PARLAB" report "$d" >"$d/out" 2>&1
grep -q "impossible: scaling pthreads at 2 workers" "$d/out" && ok "an impossible point is named" ||
    bad "impossible point not named: $(cat "$d/out")"
grep -q "^  cannot tell.*serial fraction s caps" "$d/out" && ok "a claim resting on an impossible point cannot tell" ||
    bad "impossible point judged anyway: $(cat "$d/out")"

# 6. Formats: Markdown and a self-contained HTML page.
d="$TMPDIR/rep-good"
"$PARLAB" report "$d" --format md >"$d/r.md" && grep -q '^## amdahl' "$d/r.md" && grep -q '\*\*holds\*\*' "$d/r.md" &&
    ok "report --format md" || bad "md: $(head -n 5 "$d/r.md")"
"$PARLAB" report "$d" --format html --out "$d/r.html" && grep -q '<h2>amdahl</h2>' "$d/r.html" &&
    ! grep -q 'src="http' "$d/r.html" && ok "report --format html --out: a page that needs no network" ||
    bad "html: $(head -c 300 "$d/r.html")"

# 7. Unknown labs are listed, not judged.
d="$TMPDIR/rep-unknown"; mkdir -p "$d"
{ echo "$hdr"; echo "R,mylab,e,v,1,,seconds,s,3,1,1,1,1,1,,0.75,"; } >"$d/mylab-summary.csv"
meta "$d" mylab 2 1 3
"$PARLAB" report "$d" >"$d/out" 2>&1 && grep -q "no claims known" "$d/out" && ok "an unknown lab is listed without claims" ||
    bad "unknown lab: $(cat "$d/out")"

# 8. Malformed files: exit 2, one line naming the file and the line.
expect_bad() { # NAME PATTERN: run report on $d, expect exit 2 and stderr matching
    "$PARLAB" report "$d" >"$TMPDIR/o" 2>"$TMPDIR/e"; rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$2" "$TMPDIR/e" && [ "$(wc -l <"$TMPDIR/e")" -eq 1 ] && [ ! -s "$TMPDIR/o" ]; then
        ok "malformed ($1): exit 2, names it"
    else
        bad "malformed ($1): exit $rc, stderr $(head -c 200 "$TMPDIR/e")"
    fi
}
d="$TMPDIR/rep-m1"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.5 0.31 | sed '3s/,1.5,1.5,/,abc,1.5,/'; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 1 5
{ echo "$hdr"; amdahl_rows 1.5 0.31; } | sed '3s/,2,serial=0.30,speedup,x,5,1.5,/,2,serial=0.30,speedup,x,5,abc,/' >"$d/amdahl-summary.csv"
expect_bad "a median that is not a number" "amdahl-summary.csv:3: column 'median'"
d="$TMPDIR/rep-m2"; mkdir -p "$d"
{ echo "$hdr" | sed 's/,median,/,middle,/'; amdahl_rows 1.5 0.31; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 1 5
expect_bad "a missing column" "no column 'median'"
d="$TMPDIR/rep-m3"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.5 0.31; } >"$d/amdahl-summary.csv"
expect_bad "no meta file" "amdahl-meta.csv"
d="$TMPDIR/rep-m4"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.5 0.31; echo 'R,amdahl,scaling,"open quote'; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 1 5
expect_bad "an unclosed quote" "amdahl-summary.csv"
d="$TMPDIR/rep-m5"; mkdir -p "$d"
{ echo "$hdr"; amdahl_rows 1.5 0.31 | sed '2s/,0.9375,$/,7,/'; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 1 5
expect_bad "a coverage above 1" "column 'ci_level'"
d="$TMPDIR/rep-m6"; mkdir -p "$d"
{ echo "$hdr"; echo "R,amdahl,scaling,pthreads,-1,serial=0.30,speedup,x,5,1,1,1,1,1,0,0.9375,"; } >"$d/amdahl-summary.csv"
meta "$d" amdahl 2 1 5
expect_bad "negative workers" "column 'workers'"
"$PARLAB" report "$TMPDIR/no-such-dir" >/dev/null 2>"$TMPDIR/e"
[ $? -eq 2 ] && grep -q "no-such-dir" "$TMPDIR/e" && ok "a missing folder: exit 2, named" || bad "missing folder: $(cat "$TMPDIR/e")"

#!/bin/sh
# The README's first command does what it says: every lab briefly, every chart, the
# slides, a parmon recording of the gil lab, and the report. No timing is checked.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
out="$TMPDIR/tour"
"$PARLAB" tour --out "$out" >"$TMPDIR/tour.stdout" 2>"$TMPDIR/tour.stderr" </dev/null
rc=$?
[ $rc -eq 0 ] && ok "tour: exits 0" || bad "tour: exit $rc: $(grep -i 'fail' "$TMPDIR/tour.stdout" | head -n 3 | tr '\n' ' ')"
grep -q "^tour done in .* 0 failed" "$TMPDIR/tour.stdout" && ok "tour: says it is done, nothing failed" ||
    bad "tour: last words: $(tail -n 4 "$TMPDIR/tour.stdout" | head -n 1)"
# Every lab this build can run is either run (its results are there) or named at the end
# as one for `parlab tour --all` (the labs that start services of their own).
beyond=$(sed -n 's/^Beyond one machine ([^)]*): //p' "$TMPDIR/tour.stdout" | tr -d '.' | tr ',' ' ')
for lab in $("$PARLAB" list | grep -v "cannot run" | awk '{print $1}'); do
    case " $beyond " in
    *" $lab "*) [ ! -f "$out/$lab-summary.csv" ] && ok "tour: $lab left to tour --all, and said so" ||
        bad "tour: $lab named for --all but ran" ;;
    *) [ -f "$out/$lab-summary.csv" ] && ok "tour: ran $lab" || bad "tour: no results of $lab" ;;
    esac
done
if "$PARLAB" list | grep -q '^\(cluster\|stream\) '; then
    [ -n "$beyond" ] && ok "tour: names the labs beyond one machine ($beyond)" || bad "tour: no line naming the labs for --all"
fi
"$PARLAB" tour --bogus >/dev/null 2>"$TMPDIR/tour.err"; rc=$?
[ $rc -eq 2 ] && grep -q "bogus" "$TMPDIR/tour.err" && ok "tour: an unknown argument is a usage error naming it" ||
    bad "tour --bogus: exit $rc"
if command -v gnuplot >/dev/null 2>&1; then
    n=$(ls "$out"/plots/*.png 2>/dev/null | wc -l)
    [ "$n" -gt 0 ] && ok "tour: drew $n charts" || bad "tour: drew no chart"
    if "$PARLAB" list | grep -q "^gil .*cannot run"; then
        ok "tour: no gil lab in this build, so no recording to draw"
    else
        [ -f "$out/plots/cores.png" ] && ok "tour: cores.png from parmon's recording of the gil lab" ||
            bad "tour: no cores.png"
    fi
fi
[ -f "$out/slides/index.html" ] && ok "tour: slides built" || bad "tour: no slides"
# The tour ends with the report: every lesson's claims judged on these numbers.
grep -q "^=== report ===" "$TMPDIR/tour.stdout" && grep -q "hold, .* do not hold, .* cannot tell" "$TMPDIR/tour.stdout" &&
    ok "tour: ends with the report" || bad "tour: no report at the end"
[ -s "$out/report.md" ] && grep -q "^## " "$out/report.md" && ok "tour: report.md written" || bad "tour: no report.md"
[ -s "$out/report.html" ] && grep -q "<h2>" "$out/report.html" && ! grep -q 'src="http' "$out/report.html" &&
    ok "tour: report.html written, needs no network" || bad "tour: no report.html"
[ -z "$(ls -A "$out" | grep -e '^\.' -e '\.part$')" ] && ok "tour: no temporary file left" ||
    bad "tour: left $(ls -A "$out" | grep -e '^\.' -e '\.part$' | tr '\n' ' ')"

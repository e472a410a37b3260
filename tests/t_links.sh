#!/bin/sh
# The project stands alone: every relative link in its Markdown files (lessons, docs,
# README) leads to a file or folder inside the project. A lesson that sends a learner to
# a file they do not have fails here, wherever it points.
set -u
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
top=$PARLAB_TOP
cd "$top" || exit 1
n=0
broken=""
for md in $(git ls-files '*.md' 2>/dev/null || find . -name '*.md' -not -path './build*'); do
    dir=$(dirname "$md")
    # [text](target): relative targets only (no scheme, no pure #anchor)
    for t in $(grep -o '](\([^)#: ]*\)[)#]' "$md" | sed 's/^](//; s/[)#]$//' | sort -u); do
        [ -n "$t" ] || continue
        n=$((n + 1))
        p=$(cd "$dir" && realpath -m "$t")
        case "$p" in "$top"/*) inside=1 ;; *) inside=0 ;; esac
        { [ $inside = 1 ] && [ -e "$p" ]; } || broken="$broken $md -> $t;"
    done
done
[ -z "$broken" ] && ok "links: $n relative links in the Markdown files, each to a file of the project" ||
    bad "links: broken or outside the project:$broken"

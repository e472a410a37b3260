#!/bin/sh
# deps.sh check|install|check-browser|install-browser: the Debian packages parlab needs.
#   check    exit 0 when everything is there, 1 (and name what is missing) otherwise
#   install  apt-get install what is missing: as root, through sudo otherwise,
#            or print the exact command when neither works.
#   check-browser, install-browser: the same for what only the deck's browser test and
#            its PDF need (make deps-browser): Chromium and a font; not the tour's.
# Each entry is "package:probe", the probe being a file that the package installs.
set -u
PKGS="
build-essential:/usr/bin/make
pkg-config:/usr/bin/pkg-config
libcsv-dev:/usr/include/csv.h
libncurses-dev:/usr/include/ncurses.h
gnuplot-nox:/usr/bin/gnuplot
python3-dev:/usr/include/python3.11/Python.h
python3-joblib:/usr/lib/python3/dist-packages/joblib/__init__.py
libomp-dev:/usr/lib/llvm-14/lib/libomp.so
clang:/usr/bin/clang
tmux:/usr/bin/tmux
htop:/usr/bin/htop
openmpi-bin:/usr/bin/mpirun.openmpi
libopenmpi-dev:/usr/bin/mpicc.openmpi
python3-mpi4py:/usr/lib/python3/dist-packages/mpi4py/__init__.py
python3-distributed:/usr/lib/python3/dist-packages/distributed/__init__.py
redis-server:/usr/bin/redis-server
libhiredis-dev:/usr/include/hiredis/hiredis.h
python3-redis:/usr/lib/python3/dist-packages/redis/__init__.py
libxml2-dev:/usr/include/libxml2/libxml/parser.h
libexpat1-dev:/usr/include/expat.h
python3-lxml:/usr/lib/python3/dist-packages/lxml/__init__.py
python3-sklearn:/usr/lib/python3/dist-packages/sklearn/__init__.py
iproute2:/usr/sbin/ip
shared-mime-info:/usr/share/mime/packages/freedesktop.org.xml
iso-codes:/usr/share/xml/iso-codes
xkb-data:/usr/share/X11/xkb/rules/base.xml
"
# Only for tests/t_slides.sh and make slides-pdf (headless Chromium), kept apart.
BROWSER_PKGS="
chromium:/usr/bin/chromium
fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
"
case "${1:-check}" in
*-browser) PKGS=$BROWSER_PKGS ;;
esac
# python3-dev's header path depends on the Python version: accept any.
have() {
    case "$1" in
    python3-dev) pkg-config --exists python3-embed 2>/dev/null ;;
    libomp-dev)  ls /usr/lib/llvm-*/lib/libomp.so >/dev/null 2>&1 ;;
    *) [ -e "$2" ] ;;
    esac
}
missing=""
for e in $PKGS; do
    p=${e%%:*}; f=${e#*:}
    have "$p" "$f" || missing="$missing $p"
done
case "${1:-check}" in
check | check-browser)
    [ -z "$missing" ] && exit 0
    echo "parlab: missing packages:$missing" >&2
    exit 1 ;;
install | install-browser)
    if [ -z "$missing" ]; then echo "parlab: all dependencies present"; exit 0; fi
    echo "parlab: installing:$missing" >&2
    cmd="apt-get install -y --no-install-recommends$missing"
    if [ "$(id -u)" = 0 ]; then
        (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive $cmd && exit 0
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        (sudo apt-get update -qq || true) && sudo DEBIAN_FRONTEND=noninteractive $cmd && exit 0
    fi
    echo "parlab: cannot install packages from here; run as root:" >&2
    echo "  apt-get update && $cmd" >&2
    exit 1 ;;
*)  echo "usage: deps.sh check|install|check-browser|install-browser" >&2; exit 2 ;;
esac

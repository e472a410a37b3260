# common.gp: terminal, fonts and style shared by every chart.
# Called with fmt = png | svg | dumb and out = the file to write.
set datafile separator ","
set datafile columnheaders
set datafile missing ""
if (fmt eq 'png') {
    set terminal pngcairo size 1400,900 enhanced font 'Sans,13' linewidth 2
    set output out
} else {
    if (fmt eq 'svg') {
        set terminal svg size 1400,900 enhanced font 'Sans,13' linewidth 2 background rgb 'white'
        set output out
    } else {
        set terminal dumb size 110,34 ansi
    }
}
set grid lc rgb '#dddddd'
set key top left box opaque
# A palette that stays distinct for colour-blind readers (Okabe-Ito).
set linetype 1 lc rgb '#0072B2' pt 7 ps 1.3
set linetype 2 lc rgb '#D55E00' pt 5 ps 1.3
set linetype 3 lc rgb '#009E73' pt 9 ps 1.3
set linetype 4 lc rgb '#CC79A7' pt 11 ps 1.3
set linetype 5 lc rgb '#E69F00' pt 13 ps 1.3
set linetype 6 lc rgb '#56B4E9' pt 15 ps 1.3
set linetype 7 lc rgb '#000000' pt 1 ps 1.3

/* mon_term.c: can this terminal show parmon's screen? Asked before anything is
 * launched, without touching the terminal. A file apart from mon_screen.c because
 * <term.h> defines macros (`lines`, `columns`, ...) that clash with names there. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <term.h>
#include <unistd.h>

#include "mon_screen.h"

int mon_screen_check(char *why, size_t size)
{
    const char *term = getenv("TERM");
    int err = 0, ok;
    const char *cup;
    if (!term || !*term) {
        snprintf(why, size, "TERM is not set: the screen needs to know the terminal (or use --batch)");
        return -1;
    }
    if (setupterm(term, STDOUT_FILENO, &err) != OK) {
        snprintf(why, size, "TERM '%.64s': %s (or use --batch)", term,
                 err == 0 ? "unknown terminal type" : "no terminfo database to describe it");
        return -1;
    }
    cup = tigetstr("cup"); /* NULL: absent, (char *)-1: not a string capability */
    ok = cup && cup != (const char *)-1 && !tigetflag("hc");
    del_curterm(cur_term); /* mon_screen_init sets the terminal up afresh */
    if (!ok) {
        snprintf(why, size, "TERM '%.64s' cannot move the cursor: the screen needs a full-screen "
                 "terminal (or use --batch)", term);
        return -1;
    }
    return 0;
}

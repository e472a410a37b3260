/* timecmd.h: `parlab time`, timing any program as the labs time their own work (paired,
 * with the CPU it got and what other programs used): the exercises' self-checks. */
#ifndef PARLAB_TIMECMD_H
#define PARLAB_TIMECMD_H

int timecmd_main(int argc, char **argv);

#endif

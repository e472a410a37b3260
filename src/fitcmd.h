/* fitcmd.h: `parlab fit FILE.csv`: fit scaling models to anyone's measurements. */
#ifndef PARLAB_FITCMD_H
#define PARLAB_FITCMD_H

/* Run the fit command on argv (argv[0] is "fit"). Returns the exit code. */
int fitcmd_main(int argc, char **argv);

#endif

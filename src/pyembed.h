/* pyembed.h: CPython embedded through its C API, the parts every Python lab needs.
 *
 * The rules (CPython 3.11; docs/reference-numbers.md, "Embedding CPython"):
 *   - after pyembed_start() the calling thread holds the GIL;
 *   - before other threads may run Python (PyGILState_Ensure), the main thread must
 *     let go of it: pyembed_release_main() (PyEval_SaveThread);
 *   - every worker thread is joined before pyembed_stop(), which takes the GIL back
 *     and finalises the interpreter;
 *   - a process that forks to get a fresh interpreter forks *before* pyembed_start().
 *
 * Built without Python (make NO_PYTHON=1 or no python3-embed), pyembed_available()
 * is 0 and every other function fails with a message: callers check it first. */
#ifndef PARLAB_PYEMBED_H
#define PARLAB_PYEMBED_H

#include <stddef.h>

/* 1 if this build embeds CPython. */
int pyembed_available(void);
/* "3.11.2" or "none". */
const char *pyembed_version(void);
/* Why Python labs cannot run in this build, or NULL if they can. */
const char *pyembed_unavailable_reason(void);

/* Start the interpreter: sys.executable is the real python3 (so multiprocessing's
 * spawn and forkserver start methods start Python, not parlab), site-packages on the
 * path, signals left to parlab. Returns 0, or -1 with a message on stderr.
 * The built-in module `_parlab` is importable: _parlab.spin(n) runs n steps of a C
 * loop with the GIL released and returns n (the "move the hot loop into C" way out);
 * point, skip, next_rep, result, note, interrupted and reps are the harness's calls,
 * for .py files that measure (harness.h). */
int pyembed_start(void);
/* Run Python source in __main__. Returns 0, or -1 after printing the traceback. */
int pyembed_exec(const char *source);
/* Run a lab's .py file (embedded by the Makefile) as module `name` (in sys.modules, so
 * `import name` and pickling by reference work; __name__ is not "__main__", so the
 * file's own command-line part does not run). file names it in tracebacks.
 * Returns 0, or -1 after printing the traceback. */
int pyembed_module(const char *name, const char *file, const char *source);
/* module.name as a new reference (a PyObject *), or NULL after printing the error. */
void *pyembed_get(const char *module, const char *name);
/* module.name(args), the args built from fmt as Py_BuildValue builds a tuple ("(Oi)"):
 * the result as a new reference (a PyObject *), or NULL after printing the traceback. */
void *pyembed_call(const char *module, const char *name, const char *fmt, ...);
/* Evaluate an expression in __main__ as a float. Returns 0 and sets *out, or -1. */
int pyembed_eval_double(const char *expr, double *out);
/* Let other threads take the GIL (main thread, after start); returns an opaque state
 * for pyembed_reacquire_main(). */
void *pyembed_release_main(void);
void pyembed_reacquire_main(void *state);
/* Finalise. Every thread that used Python must have been joined. */
void pyembed_stop(void);

#endif

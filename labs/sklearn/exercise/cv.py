#!/usr/bin/env python3
"""cv.py: make a cross-validation beat the serial run, cold and warm (the sklearn lab's
exercise).

It cross-validates an SVC on scikit-learn's bundled digits (1797 images, 10 folds) twice
in a row, as a notebook or a grid search would: the first call finds no worker ready
(cold), the second finds what the first left (warm). It prints each call's seconds on
stderr and, last, a checksum of the scores, the same whatever the workers.

The worker count (n_jobs) comes from PARLAB_WORKERS (`parlab time` sets it), else from
the command line, else it is every CPU this process may use:

    python3 cv.py 1          # serial: n_jobs=1, no pool at all
    python3 cv.py 2          # n_jobs=2 on BACKEND
    sh check.sh              # both, timed by `parlab time`: PASS or FAIL

As given, n_jobs=2 is slower than n_jobs=1 on a 2-CPU machine. Why?
"""
import os
import sys

# Inner threads: one BLAS/OpenMP thread in this process and in every worker, so that
# n_jobs workers use n_jobs CPUs, not n_jobs x (BLAS threads). Set before numpy loads.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import hashlib
import time

from joblib import parallel_backend
from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

# TODO 1: which joblib backend? "loky" (the default: worker processes started on first
# use, each importing scikit-learn, then kept), "threading", or "multiprocessing"
# (processes forked for each call)? SVC fits in libsvm: look at what it does with the GIL.
BACKEND = "loky"


def n_jobs():
    w = os.environ.get("PARLAB_WORKERS") or (sys.argv[1] if len(sys.argv) > 1 else "")
    return int(w) if w else len(os.sched_getaffinity(0))


def cross_validate(X, y, jobs):
    # TODO 2: is n_jobs = the CPUs the right number for 10 folds? (10 tasks on 2 workers)
    with parallel_backend(BACKEND, n_jobs=jobs):
        return cross_val_score(SVC(), X, y, cv=10, n_jobs=jobs)


def main():
    X, y = load_digits(return_X_y=True)
    jobs = n_jobs()
    scores = []
    for call in ("cold", "warm"):
        t0 = time.perf_counter()
        scores.append(cross_validate(X, y, jobs))
        print("%s call, n_jobs=%d on %s: %.2f s" % (call, jobs, BACKEND, time.perf_counter() - t0),
              file=sys.stderr)
    print("mean score %.4f" % scores[0].mean())
    print(hashlib.sha1(repr([list(map(float, s.round(10))) for s in scores]).encode()).hexdigest()[:16])


if __name__ == "__main__":
    main()

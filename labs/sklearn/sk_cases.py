"""sk_cases.py: scikit-learn's cross-validation and classifier chains in parallel. The
Python half of the sklearn lab (labs/sklearn/sklearn.c).

Run it on its own:

    /usr/bin/python3 labs/sklearn/sk_cases.py [--quick] [--workers N]

and it times each case below once per variant and prints a table. Inside parlab
(`parlab run sklearn`) the lab's C side calls setup() once, then one function a point
(cv, cold_reset, chain_case), and times every call itself: paired series, and the CPU
used by this process, its threads and its worker processes (the harness's clocks).

The data are scikit-learn's bundled digits (1797 images of 8x8 pixels, 10 classes;
shipped inside python3-sklearn, nothing is downloaded), and for the chain 4 yes/no
labels derived from each digit: even, 5 or more, prime, drawn with a closed loop.

Inner threads: BLAS and OpenMP may start threads of their own inside each worker (a
pool of P workers each running P BLAS threads asks for P x P CPUs: oversubscription
by nested parallelism). This file sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and
MKL_NUM_THREADS to 1 before numpy is imported, for itself and every worker it starts,
unless they are set already, and limits the pools already loaded with threadpoolctl
(limit_inner_threads); threadpools() says what was found.
"""
import os
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

try:
    import warnings

    import numpy as np
    from joblib import Parallel, delayed, parallel_backend
    from joblib.externals.loky import get_reusable_executor
    from sklearn.datasets import load_digits
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
    from sklearn.svm import SVC

    NO_SKLEARN = None
except Exception as e:  # not installed (python3-sklearn is large: it is optional)
    NO_SKLEARN = "cannot import scikit-learn (%s): apt-get install python3-sklearn (make deps)" % e

perf = time.perf_counter
X = y = Y = None
QUICK = False


def setup(quick=False):
    """Load the data; None if all is well, else why this cannot run."""
    global X, y, Y, QUICK
    if NO_SKLEARN:
        return NO_SKLEARN
    QUICK = quick
    X, y = load_digits(return_X_y=True)
    X = X / 16.0  # pixels 0..16 -> 0..1: logistic regression converges on scaled data
    Y = np.stack([y % 2 == 0, y >= 5, np.isin(y, [2, 3, 5, 7]), np.isin(y, [0, 6, 8, 9])],
                 axis=1).astype(int)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    limit_inner_threads()
    return None


_LIMITS = None


def limit_inner_threads():
    """Inside parlab the environment comes too late for OpenMP: parlab itself loaded
    libgomp, which read OMP_NUM_THREADS (unset: one thread a CPU) before this file ran.
    threadpoolctl sets the thread pools already loaded (OpenMP, BLAS) to one thread in
    this process, and the forked workers (multiprocessing) inherit it; loky's workers
    are new processes that read the variables set above. Threads started by the
    threading backend keep libgomp's default: the estimators here do not use OpenMP."""
    global _LIMITS
    try:
        from threadpoolctl import threadpool_limits

        _LIMITS = threadpool_limits(limits=1)
    except Exception:  # threadpoolctl missing: the variables above are all there is
        pass


def threadpools():
    """The BLAS and OpenMP libraries loaded here and their thread counts, one line."""
    try:
        from threadpoolctl import threadpool_info

        info = threadpool_info()
    except Exception as e:
        return "threadpoolctl unavailable (%s); %s" % (type(e).__name__, inner_threads())
    libs = ", ".join("%s %s: %d thread%s" % (i.get("internal_api"), i.get("prefix"), i.get("num_threads"),
                                             "" if i.get("num_threads") == 1 else "s") for i in info)
    return "%s; %s" % (libs or "no BLAS/OpenMP thread pool found", inner_threads())


def inner_threads():
    return "OMP_NUM_THREADS=%s OPENBLAS_NUM_THREADS=%s MKL_NUM_THREADS=%s" % tuple(
        os.environ.get(v, "unset") for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"))


# ---- cross-validation ------------------------------------------------------------------------

def estimator(name, inner_jobs=1):
    """svc: libsvm fits with the GIL released (`with nogil:` around svm_train in
    sklearn/svm/_libsvm.pyx). forest: 100 trees (30 with --quick), built one after the other
    (n_jobs=1 inside, unless inner_jobs says otherwise)."""
    if name == "svc":
        return SVC()
    return RandomForestClassifier(n_estimators=30 if QUICK else 100, n_jobs=inner_jobs, random_state=0)


CV_VARIANTS = ["serial", "threading", "loky-cold", "loky-warm", "multiprocessing"]


def cold_reset():
    """Stop loky's worker processes (kept between calls, for 300 s, by its reusable
    executor): the next loky call starts new ones and imports scikit-learn in each."""
    get_reusable_executor().shutdown(wait=True)


def cv(variant, name, n_jobs, folds):
    """cross_val_score of estimator `name`, `folds` folds, on joblib's backend for the
    variant, n_jobs workers; the mean score (the same for every variant: same folds, same
    models). loky-warm-nested: a forest with n_jobs threads inside each of the n_jobs
    loky workers."""
    n = rows()  # --quick: the first 900 digits (an SVC's fit grows as the square of them)
    if variant == "serial":
        return float(cross_val_score(estimator(name), X[:n], y[:n], cv=folds, n_jobs=1).mean())
    backend = {"threading": "threading", "multiprocessing": "multiprocessing"}.get(variant, "loky")
    inner = n_jobs if variant == "loky-warm-nested" else 1
    with parallel_backend(backend, n_jobs=n_jobs):
        return float(cross_val_score(estimator(name, inner), X[:n], y[:n], cv=folds, n_jobs=n_jobs).mean())


# ---- the classifier chain ---------------------------------------------------------------------

def rows():
    """The samples the cross-validation uses: all 1797, or the first 900 with --quick
    (an SVC's fit grows as the square of them)."""
    return 900 if QUICK else len(X)


def chain_rows():
    """The samples the chain cases use: all 1797 digits, --quick too. A logistic
    regression's fit grows about linearly with them, and fewer would make each fit so
    short (~25 ms at 900) that loky's fee per task, not the chain, would decide."""
    return len(X)


def link():
    return LogisticRegression(max_iter=300)


CHAIN_VARIANTS = ["chain", "independent", "ensemble", "chain-cv"]
ENSEMBLE = 4  # chains in the ensemble, each with its own random order of the labels


def fit_ensemble(Xs, Ys, n_jobs):
    chains = [ClassifierChain(link(), order="random", random_state=k) for k in range(ENSEMBLE)]
    return Parallel(n_jobs=n_jobs)(delayed(c.fit)(Xs, Ys) for c in chains)


def chain_case(variant, n_jobs):
    """One case; returns a score (the same at every n_jobs):
      chain        one ClassifierChain of 4 logistic regressions: link k is trained on
                   the pixels plus the labels before it, so the links run one after
                   the other whatever the workers (n_jobs does not exist for it);
      independent  the same 4 models without the chain (MultiOutputClassifier): 4
                   independent fits, n_jobs at a time;
      ensemble     4 chains with different random orders, fitted in parallel;
      chain-cv     5-fold cross-validation of the chain, folds in parallel."""
    n = chain_rows()
    Xs, Ys = X[:n], Y[:n]
    if variant == "chain":
        return float(ClassifierChain(link(), order=[0, 1, 2, 3]).fit(Xs, Ys).score(Xs, Ys))
    if variant == "independent":
        return float(MultiOutputClassifier(link(), n_jobs=n_jobs).fit(Xs, Ys).score(Xs, Ys))
    if variant == "ensemble":
        chains = fit_ensemble(Xs, Ys, n_jobs)
        votes = sum(c.predict_proba(Xs) for c in chains) / len(chains)
        return float(((votes >= 0.5) == Ys).all(axis=1).mean())
    if variant == "chain-cv":
        chain = ClassifierChain(link(), order=[0, 1, 2, 3])
        return float(cross_val_score(chain, Xs, Ys, cv=5, n_jobs=n_jobs).mean())
    raise ValueError(variant)


def chain_links():
    """The seconds each link of one chain takes to fit, in order: a chain's time is
    their sum (the serial fraction of a chain is all of it)."""
    n = chain_rows()
    Xs, Ys, out = X[:n], Y[:n], []
    for k in range(Ys.shape[1]):
        t0 = perf()
        link().fit(np.hstack([Xs, Ys[:, :k]]), Ys[:, k])
        out.append(perf() - t0)
    return out


def shutdown():
    """Stop loky's workers, so none outlives the run."""
    if not NO_SKLEARN:
        get_reusable_executor().shutdown(wait=True)


# ---- on its own --------------------------------------------------------------------------------

def main():
    quick = "--quick" in sys.argv
    w = len(os.sched_getaffinity(0))
    if "--workers" in sys.argv:
        w = int(sys.argv[sys.argv.index("--workers") + 1])
    why = setup(quick)
    if why:
        sys.exit("sk_cases.py: " + why)
    folds = 5 if quick else 10
    print("digits %dx%d, %d folds, n_jobs=%d; %s" % (X.shape[0], X.shape[1], folds, w, threadpools()))
    try:
        for name in ("svc", "forest"):
            base = None
            for v in CV_VARIANTS:
                if v == "loky-cold":
                    cold_reset()
                t0 = perf()
                s = cv(v, name, 1 if v == "serial" else w, folds)
                t = perf() - t0
                base = base or t
                print("cv %-7s %-16s %7.2f s  %5.2fx  score %.4f" % (name, v, t, base / t, s))
        print("chain links: %s s" % ", ".join("%.3f" % t for t in chain_links()))
        for v in CHAIN_VARIANTS:
            for k in ((1,) if v == "chain" else (1, w)):
                t0 = perf()
                s = chain_case(v, k)
                print("chain %-12s n_jobs=%d %7.2f s  score %.4f" % (v, k, perf() - t0, s))
    finally:
        shutdown()


if __name__ == "__main__":
    main()

/* parlab: run the labs.
 *   parlab list | run LAB [options] | help LAB | fit FILE.csv | tour | --help | --version */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef PARLAB_HAVE_PYTHON
#include <patchlevel.h>
#endif

#include "fitcmd.h"
#include "report.h"
#include "timecmd.h"
#include "harness.h"
#include "harness_internal.h"
#include "lab.h"
#include "status.h"
#include "topo.h"
#include "util.h"

#define PARLAB_VERSION "0.1.0"
#define MAX_WORKERS 4096

static const char usage_text[] =
    "usage: parlab COMMAND [ARGS]\n"
    "\n"
    "  list                 the labs, a line each\n"
    "  run LAB [options]    run a lab; results go to results/LAB-{runs,summary,meta}.csv\n"
    "  help LAB             what a lab asks, measures and offers (its experiments, options)\n"
    "  report [DIR]         judge each lesson's claims on the results in DIR (parlab report --help)\n"
    "  fit FILE.csv         fit Amdahl and USL to your own timings (parlab fit --help)\n"
    "  time -- COMMAND      time your own program, paired, with the CPU it got (parlab time --help)\n"
    "  tour [--all]         every lab of one machine briefly (--quick), every chart, then the\n"
    "                       report; --all: the labs beyond one machine too (cluster, stream)\n"
    "\n"
    "run options:\n"
    "  --workers LIST|auto  worker counts, e.g. 1,2,4 or 1-8 (auto: 1..usable CPUs + 2x)\n"
    "  --reps N             timed repetitions per point (after one untimed warm-up)\n"
    "  --quick              a few seconds instead of about a minute\n"
    "  --experiment LIST    only these experiments (parlab help LAB names them)\n"
    "  --out DIR            where to write the CSV files (default results)\n"
    "  --pin                pin worker i to usable CPU i\n"
    "  --OPTION VALUE       the lab's own options (parlab help LAB)\n"
    "\n"
    "exit codes: 0 ok, 1 failed, 2 usage, 3 lab cannot run here, 130 interrupted (Ctrl-C),\n"
    "143 terminated (SIGTERM); interrupted or terminated, a run writes nothing\n";

static int cmd_list(void)
{
    for (int i = 0; i < lab_count; i++) {
        const struct lab *l = lab_table[i];
        printf("%-8s %s", l->name, l->summary);
        if (l->unavailable)
            printf(" [cannot run here: %s]", l->unavailable);
        putchar('\n');
    }
    return EXIT_OK;
}

static const struct lab *find_or_die(const char *name)
{
    const struct lab *l = lab_find(name);
    if (!l)
        usage_error("unknown lab '%s' (parlab list shows the labs)", name);
    return l;
}

static void print_value(double v)
{
    if (isnan(v))
        printf("none");
    else
        printf("%.10g", v); /* 2147483647 and 4194304 in full, 0.3 as 0.3 */
}

static int cmd_help(const char *name)
{
    const struct lab *l;
    int ne, no;
    if (!name)
        usage_error("help: which lab? (parlab list shows the labs)");
    l = find_or_die(name);
    ne = lab_nexperiments(l);
    no = lab_noptions(l);
    printf("%s: %s\n\n%s\n", l->name, l->summary, l->help);
    printf("\nexperiments (--experiment LIST; all but those marked * by default):\n");
    for (int i = 0; i < ne; i++)
        printf("  %-14s %s%s\n", l->experiments[i].name, l->experiments[i].summary,
               l->experiments[i].optional ? " (*: only when named)" : "");
    if (no) {
        printf("\noptions of this lab:\n");
        for (int i = 0; i < no; i++) {
            const struct lab_option *o = &l->options[i];
            printf("  --%s %-6s %s (", o->name, o->metavar, o->help);
            if (o->type == LAB_OPT_FILE) {
                printf("a file; none by default)\n");
                continue;
            }
            printf("from ");
            print_value(o->lo);
            printf(" to ");
            print_value(o->hi);
            printf("; default ");
            print_value(o->def);
            if (!isnan(o->quick)) {
                printf(", --quick ");
                print_value(o->quick);
            }
            printf(")\n");
        }
    }
    printf("\nthe lesson: labs/%s/README.md\n", l->name);
    if (l->unavailable)
        printf("\nthis build cannot run it: %s\n", l->unavailable);
    return EXIT_OK;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* "1,2,4", "1-8", "2,8-12" -> sorted, duplicates removed. Usage error otherwise. */
static int parse_workers(const char *s, int **out)
{
    int *w = xmalloc(sizeof(int) * MAX_WORKERS), n = 0;
    char *copy = xstrdup(s), *tok, *save = NULL;
    if (!*s)
        usage_error("--workers: empty list");
    if (s[strlen(s) - 1] == ',' || s[0] == ',' || strstr(s, ",,"))
        usage_error("--workers: '%s' has an empty entry", s);
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long a, b;
        char *dash = strchr(tok, '-');
        if (dash && dash != tok) {
            *dash = '\0';
            if (parse_long(tok, 1, MAX_WORKERS, &a) < 0 || parse_long(dash + 1, 1, MAX_WORKERS, &b) < 0 || b < a)
                usage_error("--workers: '%s-%s' is not a range of counts from 1 to %d", tok, dash + 1, MAX_WORKERS);
        } else {
            if (parse_long(tok, 1, MAX_WORKERS, &a) < 0)
                usage_error("--workers: '%s' is not a worker count from 1 to %d", tok, MAX_WORKERS);
            b = a;
        }
        for (long c = a; c <= b; c++) {
            if (n >= MAX_WORKERS)
                usage_error("--workers: '%s' lists more than %d counts", s, MAX_WORKERS);
            w[n++] = (int)c;
        }
    }
    free(copy);
    qsort(w, (size_t)n, sizeof(int), cmp_int);
    {
        int m = 0;
        for (int i = 0; i < n; i++)
            if (!m || w[m - 1] != w[i])
                w[m++] = w[i];
        n = m;
    }
    *out = w;
    return n;
}

static void make_out_dir(const char *dir)
{
    struct stat st;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        usage_error("--out: cannot create '%s': %s", dir, strerror(errno));
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        usage_error("--out: '%s' is not a directory", dir);
    if (access(dir, W_OK | X_OK) < 0)
        usage_error("--out: '%s' is not writable: %s", dir, strerror(errno));
}

static void write_meta(struct lab_ctx *ctx, int argc, char **argv)
{
    struct results *r = ctx->res;
    struct topo *t = ctx->topo;
    struct utsname u;
    char host[256] = "unknown", buf[4096], list[1024];
    time_t now = time(NULL);
    size_t len = 0;

    gethostname(host, sizeof(host) - 1);
    results_meta(r, "parlab_version", "%s", PARLAB_VERSION);
    results_meta(r, "host", "%s", host);
    results_meta(r, "cpus_online", "%d", t->online);
    topo_cpulist_string(t, list, sizeof(list));
    results_meta(r, "cpus_affinity", "%s", list);
    results_meta(r, "cgroup_cpu_quota", "%g", t->quota);
    results_meta(r, "cgroup_quota_source", "%s", t->quota_src);
    results_meta(r, "cpus_usable", "%d", t->usable);
    results_meta(r, "cores", "%d", t->cores);
    results_meta(r, "smt_threads_per_core", "%d", t->smt);
    results_meta(r, "cpu_model", "%s", t->model);
    if (uname(&u) == 0)
        results_meta(r, "kernel", "%s %s %s", u.sysname, u.release, u.machine);
#ifdef __clang__
    results_meta(r, "compiler", "clang %s", __clang_version__);
#else
    results_meta(r, "compiler", "gcc %s", __VERSION__);
#endif
#ifdef PARLAB_HAVE_PYTHON
    results_meta(r, "python", "%s (embedded)", PY_VERSION);
#else
    results_meta(r, "python", "none (built without the Python headers)");
#endif
#ifdef _OPENMP
    results_meta(r, "openmp", "%d", _OPENMP);
    results_meta(r, "omp_num_threads", "%s", getenv("OMP_NUM_THREADS") ? getenv("OMP_NUM_THREADS") : "unset");
    results_meta(r, "omp_proc_bind", "%s", getenv("OMP_PROC_BIND") ? getenv("OMP_PROC_BIND") : "unset");
    results_meta(r, "omp_wait_policy", "%s", getenv("OMP_WAIT_POLICY") ? getenv("OMP_WAIT_POLICY") : "unset");
#endif
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
    results_meta(r, "date", "%s", buf);
    results_meta(r, "quick", "%d", ctx->quick);
    results_meta(r, "reps", "%d", ctx->reps);
    results_meta(r, "pinned", "%d", ctx->pin);
    buf[0] = '\0';
    for (int i = 0; i < argc && len < sizeof(buf) - 1; i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", argv[i]);
    results_meta(r, "command", "%s", buf);
}

/* --experiment LIST: every name an experiment of the lab, no empty entry. */
static void parse_experiments(const struct lab *l, const char *list, bool *on)
{
    int ne = lab_nexperiments(l);
    char *copy = xstrdup(list), *rest = copy, *tok;
    if (!*list)
        usage_error("--experiment: empty list (parlab help %s names the experiments)", l->name);
    for (int i = 0; i < ne; i++)
        on[i] = false;
    while ((tok = strsep(&rest, ",")) != NULL) {
        int e;
        if (!*tok)
            usage_error("--experiment: '%s' has an empty entry", list);
        if ((e = lab_experiment_index(l, tok)) < 0) {
            char names[512] = "";
            for (int i = 0; i < ne; i++)
                snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "",
                         l->experiments[i].name);
            usage_error("--experiment: '%s' is not an experiment of %s (%s)", tok, l->name, names);
        }
        on[e] = true;
    }
    free(copy);
}

/* A lab option's value, checked against its type and range. */
static double parse_lab_option(const struct lab_option *o, const char *val)
{
    double v;
    if (o->type == LAB_OPT_FILE) {
        struct stat sb;
        if (!*val)
            usage_error("--%s: an empty file name", o->name);
        if (stat(val, &sb) < 0 || access(val, R_OK) < 0)
            usage_error("--%s: '%s' cannot be read: %s", o->name, val, strerror(errno));
        if (!S_ISREG(sb.st_mode))
            usage_error("--%s: '%s' is not a regular file", o->name, val);
        return 1; /* given; the lab reads the name with lab_opt_str */
    }
    if (o->type == LAB_OPT_INTEGER) {
        long n;
        if (parse_long(val, (long)o->lo, (long)o->hi, &n) < 0)
            usage_error("--%s: '%s' is not a whole number from %.10g to %.10g", o->name, val, o->lo, o->hi);
        return (double)n;
    }
    if (parse_double(val, o->lo, o->hi, &v) < 0)
        usage_error("--%s: '%s' is not a number from %.10g to %.10g", o->name, val, o->lo, o->hi);
    return v;
}

static void banner(const struct lab_ctx *ctx)
{
    char desc[512], lvl[16];
    topo_describe(ctx->topo, desc, sizeof(desc));
    printf("parlab %s: %s\n%s; %s\n%d repetition%s a point after an untimed warm-up%s; intervals "
           "of the median cover it %s of the time\n\n",
           ctx->lab->name, ctx->lab->summary, desc, ctx->topo->model, ctx->reps,
           ctx->reps == 1 ? "" : "s", ctx->quick ? " (--quick)" : "",
           fmt_level(ctx->reps >= 6 ? 0.95 : 1 - 2 * pow(0.5, ctx->reps), lvl, sizeof(lvl)));
    fflush(stdout);
}

static int cmd_run(int argc, char **argv)
{
    const struct lab *l;
    struct lab_ctx ctx;
    struct topo topo;
    char run_id[64];
    const char *workers_arg = "auto", *exp_arg = NULL, *why;
    const char **raw;
    long reps = 0;
    int *workers, nworkers, rc = EXIT_OK, ne, no;
    double *opt;
    bool *given, *on;
    time_t now = time(NULL);

    if (argc < 2)
        usage_error("run: which lab? (parlab list shows the labs)");
    l = find_or_die(argv[1]);
    ne = lab_nexperiments(l);
    no = lab_noptions(l);
    memset(&ctx, 0, sizeof(ctx));
    ctx.lab = l;
    ctx.out_dir = "results";
    opt = xcalloc((size_t)no + 1, sizeof(double));
    given = xcalloc((size_t)no + 1, sizeof(bool));
    raw = xcalloc((size_t)no + 1, sizeof(char *));
    on = xcalloc((size_t)ne + 1, sizeof(bool));

    /* Every argument is checked here, before a line is printed or a file created: a
     * usage error leaves nothing behind (exit 2, one line on stderr, stdout empty). */
    for (int i = 2; i < argc; i++) {
        char *a = argv[i], *eq, name[128];
        const char *val = NULL;
        int oi = -1;
        if (strncmp(a, "--", 2) || !a[2])
            usage_error("run: unexpected argument '%s'", a);
        snprintf(name, sizeof(name), "%s", a + 2);
        if ((eq = strchr(name, '='))) {
            *eq = '\0';
            val = a + 2 + (eq - name) + 1;
        }
        if (!strcmp(name, "quick") || !strcmp(name, "pin")) {
            if (val)
                usage_error("--%s takes no value", name);
            if (!strcmp(name, "quick"))
                ctx.quick = true;
            else
                ctx.pin = true;
            continue;
        }
        for (int k = 0; k < no; k++)
            if (!strcmp(l->options[k].name, name))
                oi = k;
        if (oi < 0 && strcmp(name, "workers") && strcmp(name, "reps") && strcmp(name, "out") &&
            strcmp(name, "experiment"))
            usage_error("run %s: unknown option '--%s' (parlab help %s lists its options)", l->name,
                        name, l->name);
        if (!val) {
            if (i + 1 >= argc)
                usage_error("--%s needs a value", name);
            val = argv[++i];
        }
        if (!strcmp(name, "workers")) {
            workers_arg = val;
            ctx.workers_given = strcmp(val, "auto") != 0;
        } else if (!strcmp(name, "reps")) {
            if (parse_long(val, 1, 10000, &reps) < 0)
                usage_error("--reps: '%s' is not a whole number from 1 to 10000", val);
        } else if (!strcmp(name, "out")) {
            if (!*val)
                usage_error("--out: empty folder name");
            if (strlen(val) > 900)
                usage_error("--out: a folder name of %zu characters is too long (900 at most)", strlen(val));
            ctx.out_dir = val;
        } else if (!strcmp(name, "experiment")) {
            exp_arg = val;
        } else {
            opt[oi] = parse_lab_option(&l->options[oi], val);
            given[oi] = true;
            raw[oi] = val;
        }
    }
    if (exp_arg)
        parse_experiments(l, exp_arg, on);
    else
        for (int i = 0; i < ne; i++)
            on[i] = !l->experiments[i].optional; /* a demo runs only when asked for */
    for (int k = 0; k < no; k++)
        if (!given[k])
            opt[k] = ctx.quick && !isnan(l->options[k].quick) ? l->options[k].quick : l->options[k].def;
    ctx.opt = opt;
    ctx.opt_given = given;
    ctx.opt_str = raw;
    ctx.exp_on = on;

    topo_detect(&topo);
    ctx.topo = &topo;
    if (!strcmp(workers_arg, "auto"))
        nworkers = harness_workers_auto(&topo, &workers);
    else
        nworkers = parse_workers(workers_arg, &workers);
    ctx.workers = workers;
    ctx.nworkers = nworkers;
    ctx.reps = reps ? (int)reps
                    : ctx.quick ? (l->quick_reps ? l->quick_reps : 5)
                                : (l->default_reps ? l->default_reps : 5);

    if (l->unavailable) {
        fprintf(stderr, "parlab: %s: skipped: %s\n", l->name, l->unavailable);
        return EXIT_SKIPPED;
    }
    if (l->check && (why = l->check(&ctx)))
        usage_error("%s", why);
    make_out_dir(ctx.out_dir);

    strftime(run_id, sizeof(run_id), "%Y%m%dT%H%M%S", localtime(&now));
    snprintf(run_id + strlen(run_id), sizeof(run_id) - strlen(run_id), "-%d", (int)getpid());
    ctx.res = results_new(l->name, run_id);
    results_set_usable(ctx.res, topo.usable);
    write_meta(&ctx, argc + 1, argv - 1);
    /* The lab's options, as keys of their own ("option_python"), apart from parlab's */
    for (int k = 0; k < no; k++)
        if (!isnan(opt[k])) {
            char key[96];
            snprintf(key, sizeof(key), "option_%s", l->options[k].name);
            if (l->options[k].type == LAB_OPT_FILE)
                results_meta(ctx.res, key, "%s", raw[k]); /* the file's name */
            else
                results_meta(ctx.res, key, "%g", opt[k]);
        }
    {
        char list[512] = "";
        for (int i = 0; i < ne; i++)
            if (on[i])
                snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? "," : "",
                         l->experiments[i].name);
        results_meta(ctx.res, "experiments", "%s", list);
    }

    banner(&ctx);
    harness_install_signals();
    harness_begin(&ctx);
    harness_plan(&ctx);
    if (l->prepare)
        rc = l->prepare(&ctx);
    for (int i = 0; i < ne && rc == EXIT_OK; i++) {
        if (!on[i])
            continue;
        rc = harness_run_experiment(&ctx, &l->experiments[i]);
        if (rc == EXIT_OK)
            report_conclude(&ctx, &l->experiments[i]);
    }
    if (harness_interrupted())
        rc = EXIT_INTERRUPTED;
    harness_end(&ctx, rc == EXIT_INTERRUPTED ? "interrupted" : rc == EXIT_OK ? "done" : "failed");

    if (rc == EXIT_INTERRUPTED) {
        fprintf(stderr, "parlab: %s interrupted: no results written; earlier files in %s/ are untouched\n",
                l->name, ctx.out_dir);
    } else if (rc == EXIT_OK) {
        if (results_write(ctx.res, ctx.out_dir) < 0)
            rc = EXIT_FAIL;
        else
            printf("(* = more workers than usable CPUs)\nresults: %s/%s-runs.csv, %s-summary.csv, "
                   "%s-meta.csv\n", ctx.out_dir, l->name, l->name, l->name);
    } else {
        fprintf(stderr, "parlab: %s failed: no results written; earlier files in %s/ are untouched\n",
                l->name, ctx.out_dir);
    }
    results_free(ctx.res);
    topo_free(&topo);
    free(workers);
    free(opt), free(given), free(raw), free(on);
    return rc;
}

/* Where this parlab lives (bin_dir: parmon is beside it) and the project folder that
 * holds plots/ and slides/: the first folder above bin_dir that has plots/render.sh
 * (bin/ in a checkout, build-san/bin/ for the sanitizer build), else ".". */
static void find_dirs(char *bin_dir, char *top, size_t size)
{
    char exe[PATH_MAX], probe[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;
    snprintf(bin_dir, size, "bin");
    snprintf(top, size, ".");
    if (n <= 0)
        return;
    exe[n] = '\0';
    if (!(slash = strrchr(exe, '/')))
        return;
    *slash = '\0';
    snprintf(bin_dir, size, "%s", exe);
    while ((slash = strrchr(exe, '/')) && slash != exe) {
        *slash = '\0';
        snprintf(probe, sizeof(probe), "%s/plots/render.sh", exe);
        if (access(probe, R_OK) == 0) {
            snprintf(top, size, "%s", exe);
            return;
        }
    }
}

/* parmon --batch in the background, its CSV into OUT/parmon-record.csv through a
 * temporary (registered like every result file, so a signal removes it): the tour
 * records what the gil lab does to each core, for plots/cores.gp. Returns its pid, or
 * -1 (no parmon built, or it cannot start: the chart is simply not drawn). */
static struct csvw *record_file;

static pid_t record_start(const char *bin_dir, const char *out, pid_t lab)
{
    char parmon[PATH_MAX + 16], follow[32];
    pid_t pid;
    snprintf(parmon, sizeof(parmon), "%s/parmon", bin_dir);
    if (access(parmon, X_OK) != 0 || !(record_file = csvw_open(out, "parmon-record.csv")))
        return -1;
    fflush(stdout);
    pid = harness_fork();
    if (pid == 0) {
        dup2(fileno(csvw_file(record_file)), STDOUT_FILENO);
        /* following the lab, so each row names what it was doing */
        snprintf(follow, sizeof(follow), "%d", (int)lab);
        execl(parmon, "parmon", "--batch", "--interval", "0.2", "-p", follow, (char *)NULL);
        _exit(127);
    }
    if (pid < 0) {
        csvw_abort(record_file);
        record_file = NULL;
    }
    return pid;
}

/* Stop the recorder; keep the recording only if it ended well and has samples. */
static void record_stop(pid_t pid)
{
    struct stat st;
    int status = 0;
    if (pid <= 0 || !record_file)
        return;
    kill(pid, SIGTERM);
    harness_wait(pid, &status);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 127 &&
        fstat(fileno(csvw_file(record_file)), &st) == 0 && st.st_size > 200)
        csvw_commit(record_file);
    else
        csvw_abort(record_file);
    record_file = NULL;
}

/* The tour's last word: every lesson's claims judged on the numbers just measured, on
 * the terminal, and as report.md and report.html (charts inline) beside the results. */
static int tour_report(const char *out)
{
    struct report_lab *labs;
    char err[4200];
    int n = report_load_dir(out, &labs, err, sizeof(err));
    printf("\n=== report ===\n");
    if (n <= 0) {
        printf("no report: %s\n", n < 0 ? err : "no lab wrote results");
        if (n == 0)
            free(labs);
        return n < 0 ? -1 : 0;
    }
    report_write(stdout, labs, n, REPORT_TEXT, out);
    for (int k = 0; k < 2; k++) {
        char path[PATH_MAX + 32];
        struct csvw *w;
        FILE *f;
        snprintf(path, sizeof(path), "report.%s", k ? "html" : "md");
        /* through a temporary and a rename, like every other result file */
        if (!(w = csvw_open(out, path)) || !(f = csvw_file(w))) {
            note("cannot write '%s/%s': %s", out, path, strerror(errno));
            continue;
        }
        report_write(f, labs, n, k ? REPORT_HTML : REPORT_MD, out);
        csvw_commit(w);
    }
    fflush(stdout);
    for (int i = 0; i < n; i++)
        report_free(&labs[i]);
    free(labs);
    return 0;
}

/* The tour: every lab briefly, each in its own process (a lab that forks must not
 * inherit another's OpenMP or Python state), then every chart. */
static int cmd_tour(int argc, char **argv)
{
    char bin_dir[PATH_MAX], home[PATH_MAX], self[PATH_MAX + 16], cmd[2 * PATH_MAX + 64];
    const char *out = "results";
    int failed = 0, skipped = 0, ran = 0, all = 0;
    double t0 = now_s();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out")) {
            if (i + 1 >= argc)
                usage_error("tour: --out needs a value");
            out = argv[++i];
        } else if (!strcmp(argv[i], "--all"))
            all = 1;
        else
            usage_error("tour: unknown argument '%s' (tour takes --all and --out DIR)", argv[i]);
    }
    make_out_dir(out);
    find_dirs(bin_dir, home, sizeof(home));
    snprintf(self, sizeof(self), "%s/parlab", bin_dir);
    harness_install_signals();
    printf("parlab tour: every lab%s with --quick, then every chart. Results go to %s/.\n",
           all ? "" : " of one machine", out);
    for (int i = 0; i < lab_count && !harness_interrupted(); i++) {
        const struct lab *l = lab_table[i];
        pid_t pid;
        int st;
        pid_t rec = -1;
        int record = !strcmp(l->name, "gil") && !l->unavailable;
        if (l->tour_all_only && !all)
            continue; /* listed at the end */
        ran++;
        printf("\n=== %s: %s ===\n", l->name, l->summary);
        if (l->tour_experiments)
            printf("(the tour runs %s; bin/parlab run %s --quick runs every experiment)\n",
                   l->tour_experiments, l->name);
        if (record)
            printf("(parmon records every core while it runs: %s/plots/cores.png)\n", out);
        fflush(stdout);
        /* kind 3: on SIGTERM the tour passes it on and waits, so the lab cleans up */
        pid = harness_fork_kind(3);
        if (pid < 0)
            die("cannot fork: %s", strerror(errno));
        if (pid == 0) {
            signal(SIGINT, SIG_DFL);
            if (l->tour_experiments)
                execl(self, "parlab", "run", l->name, "--quick", "--experiment", l->tour_experiments,
                      "--out", out, (char *)NULL);
            else
                execl(self, "parlab", "run", l->name, "--quick", "--out", out, (char *)NULL);
            fprintf(stderr, "parlab: cannot run '%s': %s\n", self, strerror(errno));
            _exit(127);
        }
        if (record)
            rec = record_start(bin_dir, out, pid);
        harness_wait(pid, &st);
        record_stop(rec);
        if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_SKIPPED) {
            skipped++;
        } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            printf("%s FAILED (exit %d)\n", l->name, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
            failed++;
        }
    }
    if (harness_interrupted())
        return EXIT_INTERRUPTED;
    printf("\n=== charts ===\n");
    fflush(stdout);
    snprintf(cmd, sizeof(cmd), "sh '%s/plots/render.sh' '%s'", home, out);
    if (system(cmd) != 0)
        failed++;
    snprintf(cmd, sizeof(cmd), "sh '%s/slides/build.sh' '%s'", home, out);
    if (system(cmd) != 0)
        failed++;
    if (tour_report(out) < 0)
        failed++;
    if (!all) {
        int left = 0;
        for (int i = 0; i < lab_count; i++)
            if (lab_table[i]->tour_all_only)
                printf("%s%s", left++ ? ", " : "\nBeyond one machine (they start services of their own; "
                                                "parlab tour --all, or make tour-all, runs them too): ",
                       lab_table[i]->name);
        if (left)
            printf(".\n");
    }
    printf("\ntour done in %.0f s: %d lab%s, %d skipped, %d failed.\n"
           "Charts: %s/plots/*.png (and .svg); slides: %s/slides/index.html;\n"
           "the report: %s/report.html (charts inline, opens offline) and %s/report.md.\n"
           "Next: read a lesson (labs/LAB/README.md), run a lab in full (bin/parlab run LAB),\n"
           "or watch one live: make demo-LAB.\n",
           now_s() - t0, ran, ran == 1 ? "" : "s", skipped, failed, out, out, out, out);
    return failed ? EXIT_FAIL : EXIT_OK;
}

int main(int argc, char **argv)
{
    const char *cmd;
    progname = "parlab";
    if (argc < 2)
        usage_error("which command? (parlab --help lists them: list, run, help, report, fit, tour)");
    cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || (!strcmp(cmd, "help") && argc == 2)) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("parlab %s\n", PARLAB_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "list"))
        return cmd_list();
    if (!strcmp(cmd, "help"))
        return cmd_help(argv[2]);
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "fit"))
        return fitcmd_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return report_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "time"))
        return timecmd_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "tour"))
        return cmd_tour(argc - 1, argv + 1);
    usage_error("unknown command '%s' (parlab --help lists the commands)", cmd);
}

/* labs/cluster/cluster_hosts.c: several hosts on one machine.
 *
 * A "host" is a process that sleeps in its own network namespace (its own interfaces,
 * addresses, routes, ports) and its own UTS namespace (its own hostname: Open MPI tells
 * hosts apart by name, and keeps each host's shared-memory files under it). Two hosts are
 * joined by a veth pair, a virtual cable: a packet sent into one end comes out of the
 * other. With three or more, each host's cable goes to a bridge in one more namespace: a
 * switch. Every link can be capped by a token bucket (tc tbf) to model gigabit Ethernet.
 *
 * The addresses come from 10.77.0.0/24, used only inside these namespaces: nothing here
 * is connected to the machine's own network, so no packet can leave it.
 *
 * Open MPI starts its daemon on another host with ssh; here a launcher (cluster-rsh) does
 * what ssh would: it enters that host's namespaces and runs the command there. mpirun
 * itself runs on node1, like on the first node of a real allocation.
 *
 * Nothing outlives the run: the holders are our children (they die with us, even on
 * SIGKILL), and a namespace is gone, with its veth ends and their qdiscs, once the last
 * process inside has ended. No name is left in /run/netns either: the namespaces are
 * never given one. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cluster.h"

/* A program on the PATH, as a full path in buf, or NULL. */
static const char *which(const char *prog, char *buf, size_t size)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *rest;
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    rest = copy = xstrdup(path);
    while ((dir = strsep(&rest, ":")))
        if (*dir && snprintf(buf, size, "%s/%s", dir, prog) < (int)size && access(buf, X_OK) == 0) {
            free(copy);
            return buf;
        }
    free(copy);
    /* ip and tc live in /usr/sbin, which a normal user's PATH often lacks */
    for (const char *const *d = (const char *const[]){"/usr/sbin", "/sbin", NULL}; *d; d++)
        if (snprintf(buf, size, "%s/%s", *d, prog) < (int)size && access(buf, X_OK) == 0)
            return buf;
    return NULL;
}

static char ip_path[PATH_MAX], tc_path[PATH_MAX], nsenter_path[PATH_MAX];

int ns_enter(pid_t pid)
{
    static const struct {
        const char *name;
        int type;
    } ns[] = {{"net", CLONE_NEWNET}, {"uts", CLONE_NEWUTS}};
    for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
        char path[64];
        int fd;
        snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns[i].name);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || setns(fd, ns[i].type) < 0) {
            fprintf(stderr, "cannot enter %s: %s\n", path, strerror(errno));
            return -1;
        }
        close(fd);
    }
    return 0;
}

int ns_run(pid_t pid, const char *const argv[], char *out, size_t size)
{
    int fd[2], status = 0;
    size_t len = 0;
    ssize_t k;
    char sink[256];
    pid_t child;
    if (out && size)
        out[0] = '\0';
    if (pipe(fd) < 0)
        return -1;
    child = harness_fork();
    if (child < 0) {
        close(fd[0]), close(fd[1]);
        return -1;
    }
    if (child == 0) {
        close(fd[0]);
        dup2(fd[1], STDOUT_FILENO);
        dup2(fd[1], STDERR_FILENO);
        if (pid > 0 && ns_enter(pid) < 0)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    for (;;) {
        char *dst = out && len + 1 < size ? out + len : sink;
        size_t room = out && len + 1 < size ? size - len - 1 : sizeof(sink);
        k = read(fd[0], dst, room);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        if (dst != sink)
            len += (size_t)k;
    }
    if (out && size)
        out[len < size ? len : size - 1] = '\0';
    close(fd[0]);
    harness_wait(child, &status);
    /* one line is enough for a message */
    if (out && strchr(out, '\n'))
        *strchr(out, '\n') = '\0';
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ip ... or tc ... inside pid's namespaces; on failure why says which command and why. */
static int run_tool(pid_t pid, const char *where, char *why, size_t size, const char *tool, ...)
{
    const char *argv[24];
    char out[400];
    va_list ap;
    int n = 0, rc;
    argv[n++] = tool;
    va_start(ap, tool);
    while (n < 23 && (argv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    rc = ns_run(pid, argv, out, sizeof(out));
    if (rc != 0 && why) {
        char cmd[300] = "";
        for (int i = 0; i < n; i++)
            snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s", i ? " " : "",
                     i ? argv[i] : strrchr(argv[0], '/') + 1);
        snprintf(why, size, "%s%s%s: %s", cmd, where ? " on " : "", where ? where : "",
                 out[0] ? out : "failed");
    }
    return rc;
}

/* A host: a child that unshares its network and UTS namespaces, names itself, says so on
 * a pipe, and sleeps until it is killed. Returns its pid, or -1 with why. */
static pid_t holder(const char *hostname, char *why, size_t size)
{
    int fd[2], err = 0;
    pid_t pid;
    if (pipe(fd) < 0) {
        snprintf(why, size, "pipe: %s", strerror(errno));
        return -1;
    }
    pid = harness_fork();
    if (pid == 0) {
        close(fd[0]);
        if (unshare(CLONE_NEWNET | CLONE_NEWUTS) < 0 ||
            (hostname && sethostname(hostname, strlen(hostname)) < 0))
            err = errno;
        if (write(fd[1], &err, sizeof(err)) < 0 || err)
            _exit(1);
        close(fd[1]);
        for (;;)
            pause();
    }
    close(fd[1]);
    if (pid < 0 || read_full(fd[0], &err, sizeof(err)) < 0 || err) {
        if (pid > 0)
            harness_wait(pid, NULL);
        snprintf(why, size, "cannot make a network namespace (unshare: %s)%s",
                 strerror(err ? err : errno),
                 err == EPERM ? ": it needs root, or CAP_SYS_ADMIN and CAP_NET_ADMIN" : "");
        close(fd[0]);
        return -1;
    }
    close(fd[0]);
    return pid;
}

static void kill_holder(pid_t *pid)
{
    if (*pid > 0) {
        kill(*pid, SIGKILL);
        harness_wait(*pid, NULL);
    }
    *pid = 0;
}

const char *nsnet_unavailable(void)
{
    static int probed;
    static char why[300];
    pid_t p;
    if (probed)
        return why[0] ? why : NULL;
    probed = 1;
    if (!which("ip", ip_path, sizeof(ip_path)))
        snprintf(why, sizeof(why), "no 'ip' command (apt-get install iproute2)");
    else if (!which("tc", tc_path, sizeof(tc_path)))
        snprintf(why, sizeof(why), "no 'tc' command (apt-get install iproute2)");
    else if (!which("nsenter", nsenter_path, sizeof(nsenter_path)))
        snprintf(why, sizeof(why), "no 'nsenter' command (apt-get install util-linux)");
    else if ((p = holder(NULL, why, sizeof(why))) > 0)
        kill_holder(&p);
    return why[0] ? why : NULL;
}

const char *nsnet_rsh_script(const struct nsnet *net, const char *nsenter, char *buf, size_t size)
{
    size_t len = 0;
    char names[128] = "";
    for (int i = 0; i < net->n; i++)
        snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? " " : "",
                 net->host[i].name);
    len += (size_t)snprintf(buf + len, size - len,
        "#!/bin/sh\n"
        "# cluster-rsh HOST COMMAND...: Open MPI's remote agent for this run's hosts.\n"
        "# mpirun calls it as it would call ssh (\"ssh HOST COMMAND\"). Instead of logging in\n"
        "# to another machine, it enters HOST's network and UTS namespaces on this one and\n"
        "# runs the command there with /bin/sh, as sshd would. Written by parlab run cluster.\n"
        "host=$1\n"
        "shift\n"
        "case \"$host\" in\n");
    for (int i = 0; i < net->n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s | %s) pid=%d ;;\n", net->host[i].name,
                                net->host[i].addr, (int)net->host[i].pid);
    if (len < size)
        snprintf(buf + len, size - len,
                 "*) echo \"cluster-rsh: '$host' is not one of this run's hosts (%s)\" >&2; exit 255 ;;\n"
                 "esac\n"
                 "exec %s --target \"$pid\" --net --uts -- /bin/sh -c \"$*\"\n",
                 names, nsenter);
    return buf;
}

static int write_file(const char *path, const char *text, mode_t mode, char *why, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 || write_full(fd, text, strlen(text)) < 0) {
        snprintf(why, size, "cannot write '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return close(fd);
}

int nsnet_up(struct nsnet *net, int n, int slots, const char *dir, char *why, size_t size)
{
    char script[4096], hosts[512] = "", pid_s[CLUSTER_MAX_HOSTS + 1][16], cidr[32];
    memset(net, 0, sizeof(*net));
    net->netem = -1;
    if (nsnet_unavailable()) {
        snprintf(why, size, "%s", nsnet_unavailable());
        return -1;
    }
    if (n < 2 || n > CLUSTER_MAX_HOSTS) {
        snprintf(why, size, "%d hosts: from 2 to %d", n, CLUSTER_MAX_HOSTS);
        return -1;
    }
    /* the hosts, each sleeping in its own namespaces, named node1, node2 ... */
    for (int i = 0; i < n; i++) {
        struct nshost *h = &net->host[i];
        snprintf(h->name, sizeof(h->name), "node%d", i + 1);
        snprintf(h->addr, sizeof(h->addr), "10.77.0.%d", i + 1);
        if ((h->pid = holder(h->name, why, size)) < 0) {
            h->pid = 0;
            goto fail;
        }
        net->n = i + 1;
        snprintf(pid_s[i], sizeof(pid_s[i]), "%d", (int)h->pid);
        if (run_tool(h->pid, h->name, why, size, ip_path, "link", "set", "lo", "up", NULL))
            goto fail;
    }
    /* the cables: one veth pair between two hosts; with more, one from each host to a
     * bridge in the switch's namespace. Inside each host its end is called eth0. */
    if (n == 2) {
        if (run_tool(0, NULL, why, size, ip_path, "link", "add", "eth0", "netns", pid_s[0], "type",
                     "veth", "peer", "name", "eth0", "netns", pid_s[1], NULL))
            goto fail;
    } else {
        if ((net->sw = holder("switch", why, size)) < 0) {
            net->sw = 0;
            goto fail;
        }
        snprintf(pid_s[n], sizeof(pid_s[n]), "%d", (int)net->sw);
        if (run_tool(net->sw, "the switch", why, size, ip_path, "link", "add", "br0", "type", "bridge", NULL) ||
            run_tool(net->sw, "the switch", why, size, ip_path, "link", "set", "br0", "up", NULL))
            goto fail;
        for (int i = 0; i < n; i++) {
            char port[16];
            snprintf(port, sizeof(port), "port%d", i + 1);
            if (run_tool(0, NULL, why, size, ip_path, "link", "add", "eth0", "netns", pid_s[i], "type",
                         "veth", "peer", "name", port, "netns", pid_s[n], NULL) ||
                run_tool(net->sw, "the switch", why, size, ip_path, "link", "set", port, "master", "br0",
                         "up", NULL))
                goto fail;
        }
    }
    for (int i = 0; i < n; i++) {
        struct nshost *h = &net->host[i];
        snprintf(cidr, sizeof(cidr), "%s/24", h->addr);
        if (run_tool(h->pid, h->name, why, size, ip_path, "addr", "add", cidr, "dev", "eth0", NULL) ||
            run_tool(h->pid, h->name, why, size, ip_path, "link", "set", "eth0", "up", NULL))
            goto fail;
    }
    /* tc netem would add a delay; not every kernel has it (sch_netem): find out, say so */
    if (run_tool(net->host[0].pid, NULL, NULL, 0, tc_path, "qdisc", "add", "dev", "eth0", "root",
                 "netem", "delay", "1ms", NULL) == 0) {
        net->netem = 1;
        run_tool(net->host[0].pid, NULL, NULL, 0, tc_path, "qdisc", "del", "dev", "eth0", "root", NULL);
    } else {
        net->netem = 0;
    }
    /* the launcher and the hostfile */
    snprintf(net->rsh, sizeof(net->rsh), "%s/cluster-rsh", dir);
    snprintf(net->hostfile, sizeof(net->hostfile), "%s/hosts", dir);
    for (int i = 0; i < n; i++)
        snprintf(hosts + strlen(hosts), sizeof(hosts) - strlen(hosts), "%s slots=%d\n",
                 net->host[i].name, slots);
    if (write_file(net->rsh, nsnet_rsh_script(net, nsenter_path, script, sizeof(script)), 0700, why, size) ||
        write_file(net->hostfile, hosts, 0600, why, size))
        goto fail;
    return 0;
fail:
    nsnet_down(net);
    return -1;
}

int nsnet_cap(struct nsnet *net, int mbit, char *why, size_t size)
{
    for (int i = 0; i < net->n; i++) {
        const struct nshost *h = &net->host[i];
        if (mbit > 0) {
            /* A token bucket: tokens arrive at the rate, a packet leaves when it has
             * enough; burst is the bucket (enough for a 64 KiB TCP segment and ~2 ms of
             * traffic), latency the longest a packet may wait in the queue. */
            char rate[32], burst[32];
            long bytes = (long)mbit * 1000000 / 8 / 500;
            snprintf(rate, sizeof(rate), "%dmbit", mbit);
            snprintf(burst, sizeof(burst), "%ld", bytes > 65536 * 2 ? bytes : 65536 * 2);
            if (run_tool(h->pid, h->name, why, size, tc_path, "qdisc", "replace", "dev", "eth0", "root",
                         "tbf", "rate", rate, "burst", burst, "latency", "50ms", NULL))
                return -1;
        } else if (net->cap_mbit > 0 &&
                   run_tool(h->pid, h->name, why, size, tc_path, "qdisc", "del", "dev", "eth0", "root", NULL)) {
            return -1;
        }
    }
    net->cap_mbit = mbit;
    return 0;
}

void nsnet_down(struct nsnet *net)
{
    for (int i = 0; i < net->n; i++)
        kill_holder(&net->host[i].pid);
    kill_holder(&net->sw);
    if (net->rsh[0])
        unlink(net->rsh);
    if (net->hostfile[0])
        unlink(net->hostfile);
    net->n = 0;
    net->cap_mbit = 0;
    net->rsh[0] = net->hostfile[0] = '\0';
}

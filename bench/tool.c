/* bench-tool: the timing helpers behind bench/run.sh. Runs only inside the benchmark's
 * sandbox (a private user + mount namespace with its own binfmt_misc instance).
 *
 *   bench-tool run [--runs N] [--warmup N] [--prepare SH] [--check SH] --out FILE NAME CMD [NAME CMD ...]
 *       Interleaved timing of whole processes: each round runs every command once, the
 *       starting command rotating from round to round. Before each run, SH --prepare is run
 *       through /bin/sh with BENCH_NAME set (not timed); after it, --check (not timed, must
 *       succeed). CMD is split on spaces and exec'd directly (no shell); its stdout and
 *       stderr go to /dev/null. Records wall time (fork to reap) and peak RSS (wait4).
 *
 *   bench-tool ready [--runs N] [--prepare SH] [--keep] [--log FILE] [--timeout-ms MS] --out FILE -- CMD ARGS...
 *       Spawn-to-READY=1 time: listens on its own NOTIFY_SOCKET, starts CMD, waits for a
 *       datagram with READY=1, then stops CMD with SIGTERM (--keep: leaves the last one
 *       running and prints its PID on stdout).
 *
 *   bench-tool react --dir DIR --expect N [--runs N] [--settle-ms MS] [--timeout-ms MS] --out FILE EVENT...
 *       Event to restored kernel state, with a daemon already running on DIR. EVENT:
 *         flush                  write -1 to DIR/status; done when DIR holds N entries again
 *         remove NAME            write -1 to DIR/NAME; done when NAME is back
 *         addconf PATH NAME TEXT write PATH; done when NAME is registered (undone after each run)
 *         rename FILE NAME       replace FILE by rename(2) with a copy of itself; done when NAME
 *                                was removed and registered again (F re-pinned)
 *         mount                  unmount DIR (lazily), wait --settle-ms, mount a new binfmt_misc
 *                                instance on it (checked with a marker entry registered before);
 *                                done when it holds N entries
 *       The wait is inotify-driven (IN_MODIFY on register, IN_DELETE), re-checking at least
 *       every millisecond; the clock is CLOCK_MONOTONIC.
 *
 * Output is JSON, for bench/report.py.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bench-tool: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int sh(const char *cmd, const char *name) {
    if (!cmd || !*cmd) return 0;
    if (name) setenv("BENCH_NAME", name, 1);
    pid_t pid;
    char *argv[] = {"sh", "-c", (char *)cmd, NULL};
    if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0) die("cannot run sh");
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Splits CMD on spaces into a NULL-terminated argv (modifies a copy). */
static char **split(const char *cmd) {
    char *copy = strdup(cmd);
    size_t cap = 8, n = 0;
    char **argv = malloc(cap * sizeof *argv);
    for (char *save, *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (n + 2 > cap) argv = realloc(argv, (cap *= 2) * sizeof *argv);
        argv[n++] = tok;
    }
    argv[n] = NULL;
    if (n == 0) die("empty command");
    return argv;
}

static void json_array(FILE *f, const double *v, int n) {
    fputc('[', f);
    for (int i = 0; i < n; i++) fprintf(f, "%s%.1f", i ? "," : "", v[i]);
    fputc(']', f);
}

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        if ((unsigned char)*s < 0x20) fprintf(f, "\\u%04x", *s);
        else fputc(*s, f);
    }
    fputc('"', f);
}

/* ---- run --------------------------------------------------------------------------------- */
static int cmd_run(int argc, char **argv) {
    int runs = 10, warmup = 1;
    const char *prepare = NULL, *check = NULL, *out = NULL;
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) die("option %s needs a value", argv[i]);
        if (!strcmp(argv[i], "--runs")) runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup")) warmup = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--prepare")) prepare = argv[i + 1];
        else if (!strcmp(argv[i], "--check")) check = argv[i + 1];
        else if (!strcmp(argv[i], "--out")) out = argv[i + 1];
        else die("unknown option %s", argv[i]);
    }
    if (!out || (argc - i) < 2 || (argc - i) % 2) die("run: --out FILE NAME CMD [NAME CMD ...]");
    int ncmd = (argc - i) / 2;
    char **names = argv + i;
    double *wall = calloc((size_t)(ncmd * runs), sizeof *wall);
    double *rss = calloc((size_t)(ncmd * runs), sizeof *rss);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    for (int round = -warmup; round < runs; round++) {
        for (int k = 0; k < ncmd; k++) {
            int c = (k + (round < 0 ? 0 : round)) % ncmd;
            const char *name = names[2 * c];
            char **cargv = split(names[2 * c + 1]);
            int prc = sh(prepare, name);
            if (prc != 0) die("prepare failed (exit %d) before %s", prc, name);
            pid_t pid;
            double t0 = now_us();
            if (posix_spawnp(&pid, cargv[0], &fa, NULL, cargv, environ) != 0) die("cannot run %s", cargv[0]);
            int st;
            struct rusage ru;
            while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {
            }
            double t1 = now_us();
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) die("%s (%s) failed: status %d", name, names[2 * c + 1], st);
            int crc = sh(check, name);
            if (crc != 0) die("check failed (exit %d) after %s", crc, name);
            if (round >= 0) {
                wall[c * runs + round] = t1 - t0;
                rss[c * runs + round] = (double)ru.ru_maxrss;
            }
            free(cargv[0]);
            free(cargv);
        }
    }
    FILE *f = fopen(out, "w");
    if (!f) die("cannot write %s", out);
    fputs("{", f);
    for (int c = 0; c < ncmd; c++) {
        fprintf(f, "%s\n ", c ? "," : "");
        json_string(f, names[2 * c]);
        fputs(": {\"cmd\": ", f);
        json_string(f, names[2 * c + 1]);
        fputs(", \"wall_us\": ", f);
        json_array(f, wall + c * runs, runs);
        fputs(", \"maxrss_kb\": ", f);
        json_array(f, rss + c * runs, runs);
        fputs("}", f);
    }
    fputs("\n}\n", f);
    fclose(f);
    return 0;
}

/* ---- ready ------------------------------------------------------------------------------- */
static int cmd_ready(int argc, char **argv) {
    int runs = 10, keep = 0, timeout_ms = 10000;
    const char *prepare = NULL, *out = NULL, *log = "/dev/null";
    int i = 0;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--keep")) {
            keep = 1;
            continue;
        }
        if (i + 1 >= argc) die("option %s needs a value", argv[i]);
        if (!strcmp(argv[i], "--runs")) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--prepare")) prepare = argv[++i];
        else if (!strcmp(argv[i], "--log")) log = argv[++i];
        else if (!strcmp(argv[i], "--timeout-ms")) timeout_ms = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--out")) out = argv[++i];
        else die("unknown option %s", argv[i]);
    }
    if (!out || i >= argc - 1) die("ready: --out FILE -- CMD ARGS...");
    char **cargv = argv + i + 1;

    char dir[] = "/tmp/bench-notify.XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp: %m");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/notify", dir);
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) die("notify socket: %m");
    setenv("NOTIFY_SOCKET", sa.sun_path, 1);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawnattr_t attr; /* its own process group: a wrapper (strace) and its tracee stop together */
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    double *t = calloc((size_t)runs, sizeof *t);
    pid_t kept = 0;
    for (int r = 0; r < runs; r++) {
        int prc = sh(prepare, "ready");
        if (prc != 0) die("prepare failed (exit %d)", prc);
        pid_t pid;
        double t0 = now_us();
        if (posix_spawnp(&pid, cargv[0], &fa, &attr, cargv, environ) != 0) die("cannot run %s", cargv[0]);
        int ready = 0;
        while (!ready) {
            struct pollfd p = {s, POLLIN, 0};
            int n = poll(&p, 1, timeout_ms);
            if (n <= 0) die("no READY=1 from %s within %d ms (see %s)", cargv[0], timeout_ms, log);
            char buf[4096];
            ssize_t len = recv(s, buf, sizeof buf - 1, 0);
            if (len <= 0) continue;
            buf[len] = 0;
            for (char *line = buf; line && *line;) {
                char *nl = strchr(line, '\n');
                if (nl) *nl = 0;
                if (!strcmp(line, "READY=1")) ready = 1;
                line = nl ? nl + 1 : NULL;
            }
        }
        t[r] = now_us() - t0;
        if (keep && r == runs - 1) {
            kept = pid;
            break;
        }
        kill(-pid, SIGTERM);
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
    }
    unlink(sa.sun_path);
    rmdir(dir);
    FILE *f = fopen(out, "w");
    if (!f) die("cannot write %s", out);
    fputs("{\"ready_us\": ", f);
    json_array(f, t, runs);
    fputs("}\n", f);
    fclose(f);
    if (kept) printf("%d\n", (int)kept);
    return 0;
}

/* ---- react ------------------------------------------------------------------------------- */
static const char *g_dir;
static int g_expect;

static int count_entries(void) {
    DIR *d = opendir(g_dir);
    if (!d) return -1;
    int n = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "register") || !strcmp(de->d_name, "status")) continue;
        n++;
    }
    closedir(d);
    return n;
}

static int present(const char *name) {
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", g_dir, name);
    return access(p, F_OK) == 0;
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    int rc = close(fd);
    return n == (ssize_t)strlen(text) && rc == 0 ? 0 : -1;
}

enum cond { FULL, PRESENT, ABSENT, REPINNED };

struct waiter {
    int fd;
    int seen_delete; /* REPINNED: NAME disappeared at some point */
    const char *name;
};

static void watch_dir(struct waiter *w) {
    if (w->fd >= 0) close(w->fd);
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0 || inotify_add_watch(w->fd, g_dir, IN_MODIFY | IN_DELETE | IN_CREATE) < 0)
        die("inotify on %s: %m", g_dir);
    w->seen_delete = 0;
}

/* Reads pending events; returns how many there were. */
static int drain(struct waiter *w) {
    char buf[8192] __attribute__((aligned(8)));
    int count = 0;
    for (ssize_t n; (n = read(w->fd, buf, sizeof buf)) > 0;)
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            if (w->name && ev->len && (ev->mask & IN_DELETE) && !strcmp(ev->name, w->name)) w->seen_delete = 1;
            p += sizeof *ev + ev->len;
            count++;
        }
    return count;
}

static int holds(struct waiter *w, enum cond c) {
    switch (c) {
    case FULL: return count_entries() == g_expect;
    case PRESENT: return present(w->name);
    case ABSENT: return !present(w->name);
    case REPINNED:
        if (!present(w->name)) w->seen_delete = 1;
        return w->seen_delete && present(w->name);
    }
    return 0;
}

/* Waits until the condition holds; returns the time it was seen, or a negative value. */
static double wait_for(struct waiter *w, enum cond c, double timeout_us) {
    double start = now_us();
    for (;;) {
        drain(w);
        if (holds(w, c)) return now_us();
        if (now_us() - start > timeout_us) return -1;
        struct pollfd p = {w->fd, POLLIN, 0};
        poll(&p, 1, 1); /* inotify wakes us; the 1 ms cap covers any event the fs does not report */
    }
}

/* Waits until nothing changed in DIR for `ms`. */
static void quiesce(struct waiter *w, long ms) {
    for (;;) {
        struct pollfd p = {w->fd, POLLIN, 0};
        if (poll(&p, 1, (int)ms) <= 0) return;
        drain(w);
    }
}

#define MARKER "bench-mount-marker"

static int cmd_react(int argc, char **argv) {
    int runs = 20;
    long settle = 150, timeout = 5000;
    const char *out = NULL;
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) die("option %s needs a value", argv[i]);
        if (!strcmp(argv[i], "--dir")) g_dir = argv[i + 1];
        else if (!strcmp(argv[i], "--expect")) g_expect = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--runs")) runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--settle-ms")) settle = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--timeout-ms")) timeout = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--out")) out = argv[i + 1];
        else die("unknown option %s", argv[i]);
    }
    if (!g_dir || !out || i >= argc) die("react: --dir DIR --expect N --out FILE EVENT...");
    const char *event = argv[i];
    struct waiter w = {.fd = -1};
    double *lat = calloc((size_t)runs, sizeof *lat);
    char tmp[4200];

    watch_dir(&w);
    if (wait_for(&w, FULL, timeout * 1e3) < 0) die("%s does not hold %d entries to begin with", g_dir, g_expect);
    for (int r = 0; r < runs; r++) {
        watch_dir(&w);
        quiesce(&w, settle);
        if (!holds(&w, FULL))
            die("run %d: %s holds %d entries, not %d, before the event", r, g_dir, count_entries(), g_expect);
        double t0 = 0, t1 = -1;
        if (!strcmp(event, "flush")) {
            snprintf(tmp, sizeof tmp, "%s/status", g_dir);
            t0 = now_us();
            if (write_file(tmp, "-1") != 0) die("flush: %m");
            t1 = wait_for(&w, FULL, timeout * 1e3);
        } else if (!strcmp(event, "remove") && i + 1 < argc) {
            w.name = argv[i + 1];
            snprintf(tmp, sizeof tmp, "%s/%s", g_dir, w.name);
            t0 = now_us();
            if (write_file(tmp, "-1") != 0) die("remove %s: %m", w.name);
            t1 = wait_for(&w, PRESENT, timeout * 1e3);
        } else if (!strcmp(event, "addconf") && i + 3 < argc) {
            const char *path = argv[i + 1];
            w.name = argv[i + 2];
            t0 = now_us();
            if (write_file(path, argv[i + 3]) != 0) die("write %s: %m", path);
            t1 = wait_for(&w, PRESENT, timeout * 1e3);
            quiesce(&w, settle);
            if (unlink(path) != 0) die("unlink %s: %m", path);
            if (wait_for(&w, ABSENT, timeout * 1e3) < 0) die("%s stayed registered after %s was removed", w.name, path);
        } else if (!strcmp(event, "rename") && i + 2 < argc) {
            const char *file = argv[i + 1];
            w.name = argv[i + 2];
            snprintf(tmp, sizeof tmp, "%s.new", file);
            /* a copy of the interpreter under a temporary name: a new inode */
            int in = open(file, O_RDONLY | O_CLOEXEC), o = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
            if (in < 0 || o < 0) die("copy %s: %m", file);
            char buf[65536];
            for (ssize_t n; (n = read(in, buf, sizeof buf)) > 0;)
                if (write(o, buf, (size_t)n) != n) die("copy %s: %m", file);
            close(in);
            if (fchmod(o, 0755) != 0 || close(o) != 0) die("copy %s: %m", file);
            t0 = now_us();
            if (rename(tmp, file) != 0) die("rename %s: %m", tmp);
            t1 = wait_for(&w, REPINNED, timeout * 1e3);
        } else if (!strcmp(event, "mount")) {
            /* A marker entry nobody else registers tells a reused instance from a new one.
             * (Counting entries after the mount cannot: the daemon may have refilled it already;
             * nor can the device number: a freed one is handed out again.) */
            snprintf(tmp, sizeof tmp, "%s/register", g_dir);
            if (write_file(tmp, ":" MARKER ":E::bnchmrk::/nonexistent/bench-marker:") != 0) die("marker: %m");
            if (umount2(g_dir, MNT_DETACH) != 0) die("umount %s: %m", g_dir);
            sleep_ms(settle); /* the daemon sees the unmount and lets go of the old instance */
            t0 = now_us();
            if (mount("binfmt_misc", g_dir, "binfmt_misc", 0, NULL) != 0) die("mount %s: %m", g_dir);
            watch_dir(&w);
            if (present(MARKER)) die("the new mount at %s reused the old instance (still held open?)", g_dir);
            t1 = wait_for(&w, FULL, timeout * 1e3);
        } else {
            die("unknown event or missing arguments: %s", event);
        }
        if (t1 < 0) die("%s: the kernel state was not restored within %ld ms", event, timeout);
        lat[r] = t1 - t0;
    }
    FILE *f = fopen(out, "w");
    if (!f) die("cannot write %s", out);
    fputs("{\"event\": ", f);
    json_string(f, event);
    fputs(", \"latency_us\": ", f);
    json_array(f, lat, runs);
    fputs("}\n", f);
    fclose(f);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "run")) return cmd_run(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "ready")) return cmd_ready(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "react")) return cmd_react(argc - 2, argv + 2);
    fprintf(stderr, "usage: bench-tool run|ready|react ... (see bench/tool.c)\n");
    return 2;
}

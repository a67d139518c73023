/* bench-dbus: per-call latency of org.binfmtd1 methods over one sd-bus connection to the
 * bus in DBUS_SYSTEM_BUS_ADDRESS (synchronous calls, one at a time).
 *
 *   bench-dbus [--calls N] [--warmup N] --out FILE TEST...
 *     ping                     org.freedesktop.DBus.Peer.Ping on org.binfmtd1 (the floor)
 *     list                     org.binfmtd1.Manager.List (the reply is walked: entries counted)
 *     describe                 org.binfmtd1.Manager.Describe
 *     getentry:NAME            org.binfmtd1.Manager.GetEntry
 *     regunreg:NAME:EXT:INTERP one Register (extension entry, runtime) + Unregister cycle
 *
 * Writes {"TEST": {"calls": N, "us": [sorted latencies], "entries": K}, ...}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>

static const char *kDest = "org.binfmtd1", *kPath = "/org/binfmtd1", *kIface = "org.binfmtd1.Manager";

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check(int r, sd_bus_error *e, const char *what) {
    if (r >= 0) return;
    fprintf(stderr, "bench-dbus: %s: %s\n", what, e && e->message ? e->message : strerror(-r));
    exit(1);
}

/* One call of TEST; returns the number of entries a List reply held (else 0). */
static long once(sd_bus *bus, const char *test) {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    sd_bus_message *m = NULL;
    long entries = 0;
    int r;
    if (!strcmp(test, "ping")) {
        r = sd_bus_call_method(bus, kDest, kPath, "org.freedesktop.DBus.Peer", "Ping", &e, &m, "");
        check(r, &e, test);
    } else if (!strcmp(test, "list")) {
        r = sd_bus_call_method(bus, kDest, kPath, kIface, "List", &e, &m, "");
        check(r, &e, test);
        check(sd_bus_message_enter_container(m, 'a', "(ssssss)"), NULL, "List reply");
        while ((r = sd_bus_message_skip(m, "(ssssss)")) > 0) entries++;
        check(r, NULL, "List reply");
    } else if (!strcmp(test, "describe")) {
        const char *json;
        r = sd_bus_call_method(bus, kDest, kPath, kIface, "Describe", &e, &m, "");
        check(r, &e, test);
        check(sd_bus_message_read(m, "s", &json), NULL, "Describe reply");
        entries = (long)strlen(json);
    } else if (!strncmp(test, "getentry:", 9)) {
        r = sd_bus_call_method(bus, kDest, kPath, kIface, "GetEntry", &e, &m, "s", test + 9);
        check(r, &e, test);
    } else if (!strncmp(test, "regunreg:", 9)) {
        char *spec = strdup(test + 9), *ext = strchr(spec, ':'), *interp = ext ? strchr(ext + 1, ':') : NULL;
        if (!interp) fprintf(stderr, "bench-dbus: regunreg:NAME:EXT:INTERP\n"), exit(2);
        *ext++ = 0;
        *interp++ = 0;
        r = sd_bus_call_method(bus, kDest, kPath, kIface, "Register", &e, &m, "sa{sv}a{sv}", spec, 2, "extension", "s",
                               ext, "interpreter", "s", interp, 0);
        check(r, &e, "Register");
        m = sd_bus_message_unref(m);
        r = sd_bus_call_method(bus, kDest, kPath, kIface, "Unregister", &e, &m, "sa{sv}", spec, 0);
        check(r, &e, "Unregister");
        free(spec);
    } else {
        fprintf(stderr, "bench-dbus: unknown test %s\n", test);
        exit(2);
    }
    sd_bus_message_unref(m);
    sd_bus_error_free(&e);
    return entries;
}

int main(int argc, char **argv) {
    long calls = 2000, warmup = 100;
    const char *out = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) return fprintf(stderr, "bench-dbus: %s needs a value\n", argv[i]), 2;
        if (!strcmp(argv[i], "--calls")) calls = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup")) warmup = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--out")) out = argv[i + 1];
        else return fprintf(stderr, "bench-dbus: unknown option %s\n", argv[i]), 2;
    }
    if (!out || i >= argc) return fprintf(stderr, "usage: bench-dbus [--calls N] [--warmup N] --out FILE TEST...\n"), 2;
    sd_bus *bus = NULL;
    check(sd_bus_open_system(&bus), NULL, "connecting to the system bus (DBUS_SYSTEM_BUS_ADDRESS)");
    FILE *f = fopen(out, "w");
    if (!f) return perror(out), 1;
    fputs("{", f);
    double *us = calloc((size_t)calls, sizeof *us);
    for (int t = i; t < argc; t++) {
        long entries = 0;
        for (long k = 0; k < warmup; k++) entries = once(bus, argv[t]);
        double start = now_us();
        for (long k = 0; k < calls; k++) {
            double t0 = now_us();
            entries = once(bus, argv[t]);
            us[k] = now_us() - t0;
        }
        double total = now_us() - start;
        qsort(us, (size_t)calls, sizeof *us, cmp);
        fprintf(f, "%s\n \"%s\": {\"calls\": %ld, \"total_us\": %.1f, \"entries\": %ld, \"us\": [", t > i ? "," : "",
                argv[t], calls, total, entries);
        for (long k = 0; k < calls; k++) fprintf(f, "%s%.1f", k ? "," : "", us[k]);
        fputs("]}", f);
    }
    fputs("\n}\n", f);
    fclose(f);
    sd_bus_flush_close_unref(bus);
    return 0;
}

/* bench-floor: the floor for boot registration. Reads register strings, one per line,
 * and writes each to binfmt_misc's register file: one open, one write(2) per entry,
 * nothing else (no parsing, no checks, no logging).
 *
 *   bench-floor REGISTER_FILE LINES_FILE
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[4 << 20]; /* 10000 lines of ~100 bytes fit */

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench-floor REGISTER_FILE LINES_FILE\n");
        return 2;
    }
    int in = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (in < 0) return perror(argv[2]), 1;
    size_t len = 0;
    for (ssize_t n; (n = read(in, buf + len, sizeof buf - 1 - len)) > 0;) len += (size_t)n;
    close(in);
    int reg = open(argv[1], O_WRONLY | O_CLOEXEC);
    if (reg < 0) return perror(argv[1]), 1;
    int rc = 0;
    for (char *line = buf, *end = buf + len; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = (size_t)((nl ? nl : end) - line);
        if (n > 0 && write(reg, line, n) != (ssize_t)n) {
            fprintf(stderr, "bench-floor: register %.*s: %s\n", (int)(n > 40 ? 40 : n), line, strerror(errno));
            rc = 1;
        }
        line += n + 1;
    }
    close(reg);
    return rc;
}

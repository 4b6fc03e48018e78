#include "test_scripted.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_server.h" /* test_read_file */

static const char *source_dir(void)
{
    const char *s = getenv("DEVCONF_SOURCE_DIR");
    return s && *s ? s : ".";
}

/* A password of 32 characters from [A-Za-z0-9] out of /dev/urandom. */
static void random_password(char *out, size_t size)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char raw[64];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, raw, sizeof raw) != (ssize_t)sizeof raw) {
        perror("test setup failed: /dev/urandom");
        abort();
    }
    close(fd);
    size_t n = 0;
    for (size_t i = 0; i < sizeof raw && n + 1 < size && n < 32; i++) {
        if (raw[i] < 248) { /* 248 = 4 * 62: no modulo bias */
            out[n++] = alphabet[raw[i] % 62];
        }
    }
    if (n < 16) {
        fprintf(stderr, "test setup failed: too few random bytes for a password\n");
        abort();
    }
    out[n] = '\0';
}

/* Appends s to cmd as one single-quoted shell word; aborts when it does not fit. */
static void append_word(char *cmd, size_t size, const char *s)
{
    size_t n = strlen(cmd);
    if (n + 3 >= size) {
        goto too_long;
    }
    cmd[n++] = ' ';
    cmd[n++] = '\'';
    for (; *s; s++) {
        if (*s == '\'') {
            if (n + 4 >= size) {
                goto too_long;
            }
            memcpy(cmd + n, "'\\''", 4);
            n += 4;
        } else {
            if (n + 1 >= size) {
                goto too_long;
            }
            cmd[n++] = *s;
        }
    }
    if (n + 2 >= size) {
        goto too_long;
    }
    cmd[n++] = '\'';
    cmd[n] = '\0';
    return;
too_long:
    fprintf(stderr, "test setup failed: ncserver command line longer than %zu bytes\n", size);
    abort();
}

void test_scripted_start(test_scripted *t, const char *const *args)
{
    memset(t, 0, sizeof *t);
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/devconf-scripted-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->dir)) {
        perror("test setup failed: mkdtemp");
        abort();
    }
    random_password(t->password, sizeof t->password);

    char cmd[8192];
    snprintf(cmd, sizeof cmd, "bash");
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/netconf/scripted/ncserver-up.sh", source_dir());
    append_word(cmd, sizeof cmd, path);
    append_word(cmd, sizeof cmd, t->dir);
    /* the server follows this process: it exits when the test program ends, even on a crash */
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    append_word(cmd, sizeof cmd, "--watch-pid");
    append_word(cmd, sizeof cmd, pid);
    for (size_t i = 0; args && args[i]; i++) {
        append_word(cmd, sizeof cmd, args[i]);
    }
    size_t n = strlen(cmd);
    snprintf(cmd + n, sizeof cmd - n, " >'%s/up.out' 2>&1", t->dir);

    /* The password reaches the server through its environment only (never a command line), and
     * is removed from this process's environment again right away. */
    if (setenv("NCSERVER_PASSWORD", t->password, 1) != 0) {
        perror("test setup failed: setenv");
        abort();
    }
    int rc = system(cmd);
    unsetenv("NCSERVER_PASSWORD");
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s/up.out' >&2", t->dir);
        (void)system(cmd);
        fprintf(stderr, "test setup failed: cannot start the scripted NETCONF server (ncserver-up.sh; "
                        "scripts/install-test-deps.sh installs its virtualenv)\n");
        abort();
    }

    char *ports = test_read_file(test_scripted_file(t, "ports"));
    if (!ports) {
        fprintf(stderr, "test setup failed: %s/ports missing\n", t->dir);
        abort();
    }
    char *save = NULL;
    for (char *tok = strtok_r(ports, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
        long p = strtol(tok, NULL, 10);
        if (p <= 0 || p > 65535 || t->nports == TEST_SCRIPTED_MAX_PORTS) {
            fprintf(stderr, "test setup failed: bad or too many ports in %s/ports (max %d)\n", t->dir,
                    TEST_SCRIPTED_MAX_PORTS);
            abort();
        }
        t->ports[t->nports++] = (uint16_t)p;
    }
    free(ports);
    if (t->nports == 0) {
        fprintf(stderr, "test setup failed: no port in %s/ports\n", t->dir);
        abort();
    }
    snprintf(t->uri, sizeof t->uri, "netconf://%s@127.0.0.1:%u", TEST_SCRIPTED_USER, (unsigned)t->ports[0]);
    snprintf(t->known_hosts, sizeof t->known_hosts, "%s/known_hosts", t->dir);
    snprintf(t->key, sizeof t->key, "%s/client_ed25519", t->dir);
    snprintf(t->key_pp, sizeof t->key_pp, "%s/client_ed25519_pp", t->dir);
    snprintf(t->stats, sizeof t->stats, "%s/stats.json", t->dir);
    snprintf(t->log, sizeof t->log, "%s/server.log", t->dir);
    snprintf(t->cache_dir, sizeof t->cache_dir, "%s/cache", t->dir);
}

void test_scripted_stop(test_scripted *t)
{
    if (!t->dir[0]) {
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bash '%s/tests/fixtures/netconf/scripted/ncserver-down.sh' '%s' >/dev/null 2>&1; rm -rf '%s'",
             source_dir(), t->dir, t->dir);
    (void)system(cmd);
    explicit_bzero(t->password, sizeof t->password);
    t->dir[0] = '\0';
    t->nports = 0;
}

const char *test_scripted_uri(const test_scripted *t)
{
    return t->uri;
}

const char *test_scripted_uri_at(const test_scripted *t, size_t i)
{
    static char uri[64];
    if (i >= t->nports) {
        return NULL;
    }
    snprintf(uri, sizeof uri, "netconf://%s@127.0.0.1:%u", TEST_SCRIPTED_USER, (unsigned)t->ports[i]);
    return uri;
}

uint16_t test_scripted_port(const test_scripted *t, size_t i)
{
    return i < t->nports ? t->ports[i] : 0;
}

size_t test_scripted_port_count(const test_scripted *t)
{
    return t->nports;
}

const char *test_scripted_known_hosts(const test_scripted *t)
{
    return t->known_hosts;
}

const char *test_scripted_key(const test_scripted *t)
{
    return t->key;
}

const char *test_scripted_key_pp(const test_scripted *t)
{
    return t->key_pp;
}

const char *test_scripted_password(const test_scripted *t)
{
    return t->password;
}

const char *test_scripted_stats_path(const test_scripted *t)
{
    return t->stats;
}

const char *test_scripted_log_path(const test_scripted *t)
{
    return t->log;
}

const char *test_scripted_cache_dir(const test_scripted *t)
{
    return t->cache_dir;
}

const char *test_scripted_file(const test_scripted *t, const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", t->dir, name);
    return path;
}

/* The end of the JSON object whose '{' is at p (the file has no braces inside strings). */
static const char *object_end(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '{') {
            depth++;
        } else if (*p == '}' && --depth == 0) {
            return p;
        }
    }
    return NULL;
}

/* The value of "key": inside [begin, end): a pointer after the colon, or NULL. */
static const char *find_key(const char *begin, const char *end, const char *key)
{
    char quoted[200];
    snprintf(quoted, sizeof quoted, "\"%s\":", key);
    size_t n = strlen(quoted);
    for (const char *p = begin; p && p + n <= end; p++) {
        if (memcmp(p, quoted, n) == 0) {
            p += n;
            while (p < end && *p == ' ') {
                p++;
            }
            return p;
        }
    }
    return NULL;
}

long test_scripted_stat(const test_scripted *t, size_t i, const char *counter)
{
    if (i >= t->nports) {
        return -1;
    }
    char *json = test_read_file(t->stats);
    if (!json) {
        return -1;
    }
    long result = -1;
    char port[16];
    snprintf(port, sizeof port, "%u", (unsigned)t->ports[i]);
    const char *end = json + strlen(json);
    const char *obj = find_key(json, end, port);
    const char *obj_end = obj && *obj == '{' ? object_end(obj) : NULL;
    if (obj_end) {
        char first[128];
        snprintf(first, sizeof first, "%s", counter);
        char *dot = strchr(first, '.');
        if (dot) {
            *dot = '\0';
            const char *sub = find_key(obj, obj_end, first);
            const char *sub_end = sub && *sub == '{' ? object_end(sub) : NULL;
            obj = sub_end ? sub : NULL;
            obj_end = sub_end;
            snprintf(first, sizeof first, "%s", strchr(counter, '.') + 1);
        }
        if (obj) {
            const char *v = find_key(obj, obj_end, first);
            result = v ? strtol(v, NULL, 10) : 0;
        }
    }
    free(json);
    return result;
}

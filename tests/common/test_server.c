#include "test_server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static const char *source_dir(void)
{
    const char *s = getenv("DEVCONF_SOURCE_DIR");
    return s && *s ? s : ".";
}

void test_server_start(test_server *t)
{
    test_server_start_args(t, "");
}

void test_server_start_args(test_server *t, const char *extra)
{
    memset(t, 0, sizeof *t);
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/devconf-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->dir)) {
        perror("mkdtemp");
        abort();
    }
    char cmd[1024];
    /* the device also implements the project's example module (leafref, defaults, list, RPC) */
    snprintf(cmd, sizeof cmd,
             "bash '%s/tests/fixtures/netconf/netconfd-up.sh' '%s' --module='%s/yang-models/devconf-example.yang' %s "
             ">'%s/up.out' 2>&1", source_dir(), t->dir, source_dir(), extra, t->dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s/up.out' >&2", t->dir);
        (void)system(cmd);
        fprintf(stderr, "test setup failed: cannot start the NETCONF test device (netconfd + sshd)\n");
        abort();
    }
    char *port = test_read_file(test_server_file(t, "port"));
    if (!port) {
        abort();
    }
    t->port = (uint16_t)atoi(port);
    free(port);
    snprintf(t->uri, sizeof t->uri, "netconf://%s@127.0.0.1:%u", TEST_USER, (unsigned)t->port);
    snprintf(t->known_hosts, sizeof t->known_hosts, "%s/known_hosts", t->dir);
    snprintf(t->key, sizeof t->key, "%s/client_ed25519", t->dir);
    snprintf(t->key_pp, sizeof t->key_pp, "%s/client_ed25519_pp", t->dir);
    snprintf(t->cache_dir, sizeof t->cache_dir, "%s/cache", t->dir);
}

void test_server_stop(test_server *t)
{
    if (!t->dir[0]) {
        return;
    }
    char cmd[1536];
    /* the TLS front first (when there is one), then the device */
    snprintf(cmd, sizeof cmd,
             "bash '%s/tests/fixtures/netconf/tls-down.sh' '%s' >/dev/null 2>&1; "
             "bash '%s/tests/fixtures/netconf/netconfd-down.sh' '%s' >/dev/null 2>&1; rm -rf '%s'",
             source_dir(), t->dir, source_dir(), t->dir, t->dir);
    (void)system(cmd);
    t->dir[0] = '\0';
}

void test_tls_start(test_server *t, test_tls *tls)
{
    memset(tls, 0, sizeof *tls);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bash '%s/tests/fixtures/netconf/tls-up.sh' '%s' >'%s/tls-up.out' 2>&1", source_dir(),
             t->dir, t->dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s/tls-up.out' >&2", t->dir);
        (void)system(cmd);
        fprintf(stderr, "test setup failed: cannot start the NETCONF-over-TLS front (stunnel)\n");
        abort();
    }
    char *port = test_read_file(test_server_file(t, "tls/port"));
    if (!port) {
        abort();
    }
    tls->port = (uint16_t)atoi(port);
    free(port);
    snprintf(tls->uri, sizeof tls->uri, "netconf+tls://127.0.0.1:%u", (unsigned)tls->port);
    snprintf(tls->ca, sizeof tls->ca, "%s/tls/ca.pem", t->dir);
    snprintf(tls->cert, sizeof tls->cert, "%s/tls/client.pem", t->dir);
    snprintf(tls->key, sizeof tls->key, "%s/tls/client.key", t->dir);
    snprintf(tls->other_ca, sizeof tls->other_ca, "%s/tls/other-ca.pem", t->dir);
    snprintf(tls->other_cert, sizeof tls->other_cert, "%s/tls/other-client.pem", t->dir);
    snprintf(tls->other_key, sizeof tls->other_key, "%s/tls/other-client.key", t->dir);
}

const char *test_server_file(test_server *t, const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", t->dir, name);
    return path;
}

void test_server_signal(test_server *t, int sig, int sshd)
{
    char *pid = test_read_file(test_server_file(t, sshd ? "sshd.pid" : "netconfd.pid"));
    if (pid) {
        kill((pid_t)atoi(pid), sig);
        free(pid);
    }
}

char *test_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) {
        buf[n] = '\0';
    }
    fclose(f);
    return buf;
}

void test_restconf_start(test_restconf *t)
{
    memset(t, 0, sizeof *t);
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/devconf-rc-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->dir)) {
        perror("mkdtemp");
        abort();
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bash '%s/tests/fixtures/restconf/jetconf-up.sh' '%s' >'%s/up.out' 2>'%s/up.err'",
             source_dir(), t->dir, t->dir, t->dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s/up.err' >&2", t->dir);
        (void)system(cmd);
        fprintf(stderr, "test setup failed: cannot start the RESTCONF test device (Jetconf)\n");
        abort();
    }
    char path[512];
    snprintf(path, sizeof path, "%s/port", t->dir);
    char *port = test_read_file(path);
    if (!port) {
        abort();
    }
    t->port = (uint16_t)atoi(port);
    free(port);
    snprintf(t->uri, sizeof t->uri, "restconf://127.0.0.1:%u", (unsigned)t->port);
    snprintf(t->ca, sizeof t->ca, "%s/ca.pem", t->dir);
    snprintf(t->cert, sizeof t->cert, "%s/client.pem", t->dir);
    snprintf(t->key, sizeof t->key, "%s/client.key", t->dir);
    snprintf(t->other_ca, sizeof t->other_ca, "%s/other-ca.pem", t->dir);
    snprintf(t->cache_dir, sizeof t->cache_dir, "%s/cache", t->dir);
}

void test_restconf_stop(test_restconf *t)
{
    if (!t->dir[0]) {
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bash '%s/tests/fixtures/restconf/jetconf-down.sh' '%s' >/dev/null 2>&1; rm -rf '%s'",
             source_dir(), t->dir, t->dir);
    (void)system(cmd);
    t->dir[0] = '\0';
}

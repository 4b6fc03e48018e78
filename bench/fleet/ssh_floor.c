/* The floor of the fleet benchmark (bench/fleet/): what any NETCONF client must do per device and
 * nothing more, with bare libssh and a bounded pool of threads. Per device: TCP connect, SSH key
 * exchange, the host key checked (or not, as asked), password authentication, the "netconf"
 * subsystem, the hellos (base:1.0 only, so end-of-message framing), one <get-config> of running
 * with a small subtree filter read until the reply's last byte (nothing parsed), then the channel
 * and the connection are closed.
 *
 *   ssh_floor --uris FILE [--pool N] [--password-env VAR] [--user U]
 *             [--known-hosts FILE] [--host-key strict|accept-new|none] [--expect VALUE]
 *
 *   --uris FILE        one device a line: netconf://[user@]host[:port] (830 when no port)
 *   --pool N           threads, each taking the next device (default 50)
 *   --password-env VAR the environment variable holding the password (default FLEET_PASSWORD)
 *   --user U           user name for devices whose URI names none (default admin)
 *   --host-key P       strict (default): the key must be the one --known-hosts holds for that
 *                      [host]:port (the file is read once); accept-new: a device the file does not
 *                      name is accepted (never written back), a changed key refused; none: no check
 *   --expect VALUE     also check that every reply holds <description>VALUE</description> (the
 *                      benchmark driver's independent check of what a client wrote and committed)
 *
 * Prints one line
 *     RESULT {"devices": N, "ok": N, "failed": N, "mismatch": N, "wall_s": S}
 * and the first errors on stderr; exit status 0 when every device succeeded (and matched), else 1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "../bench_common.h"

enum host_key_policy { HK_STRICT, HK_ACCEPT_NEW, HK_NONE };

struct device {
    char *user;
    char *host;
    int port;
    char *known_key; /* base64 of the key known_hosts holds for [host]:port, or NULL */
};

static struct device *devices;
static size_t n_devices;
static atomic_size_t next_device, n_ok, n_failed, n_mismatch, n_reported;
static const char *password, *default_user = "admin", *known_hosts, *expect;
static enum host_key_policy policy = HK_STRICT;
static char expect_elem[1024];

static const char HELLO[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
    "<capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>";
static const char GET_CONFIG[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rpc message-id=\"1\" "
    "xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source>"
    "<filter type=\"subtree\"><interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface>"
    "<name>eth0</name></interface></interfaces></filter></get-config></rpc>]]>]]>";

#define MAX_REPORTED 5

static void report(const struct device *d, const char *what, const char *detail)
{
    if (atomic_fetch_add(&n_reported, 1) < MAX_REPORTED) {
        fprintf(stderr, "ssh_floor: %s:%d: %s%s%s\n", d->host, d->port, what, detail ? ": " : "",
                detail ? detail : "");
    }
}

/* Reads until the end-of-message mark; the message (without the mark) is left in buf. Returns 0, or
 * -1 after reporting. */
static int read_message(ssh_session s, ssh_channel ch, const struct device *d, char *buf, size_t size,
                        const char *what)
{
    size_t len = 0;
    for (;;) {
        if (len >= size - 1) {
            report(d, what, "message larger than the buffer");
            return -1;
        }
        int n = ssh_channel_read_timeout(ch, buf + len, (uint32_t)(size - 1 - len), 0, 30000);
        if (n <= 0) {
            report(d, what, n == 0 ? "timeout or end of channel" : ssh_get_error(s));
            return -1;
        }
        size_t from = len > 6 ? len - 6 : 0;
        len += (size_t)n;
        buf[len] = '\0';
        char *mark = strstr(buf + from, "]]>]]>");
        if (mark) {
            *mark = '\0';
            return 0;
        }
    }
}

/* The server's key compared with the one known_hosts holds for this device, which main() read once
 * (libssh's ssh_session_is_known_server() would read and parse the whole file on every connection:
 * at 1,000 devices that is a cost of the file's size, not of the check). */
static int check_host_key(ssh_session s, const struct device *d)
{
    if (policy == HK_NONE) {
        return 0;
    }
    if (!d->known_key) {
        if (policy == HK_ACCEPT_NEW) {
            return 0;
        }
        report(d, "host key refused", "not in known_hosts");
        return -1;
    }
    ssh_key key = NULL;
    char *b64 = NULL;
    int rc = -1;
    if (ssh_get_server_publickey(s, &key) != SSH_OK || ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
        report(d, "host key", ssh_get_error(s));
    } else if (strcmp(b64, d->known_key)) {
        report(d, "host key refused", "changed");
    } else {
        rc = 0;
    }
    ssh_string_free_char(b64);
    ssh_key_free(key);
    return rc;
}

/* Reads "[host]:port type base64" lines (and "host type base64" for port 22) of known_hosts into
 * the devices they name. */
static void read_known_hosts(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        bench_die("cannot open %s", path);
    }
    char line[16384];
    while (fgets(line, sizeof line, f)) {
        char name[512], type[64], b64[16384];
        if (line[0] == '#' || sscanf(line, "%511s %63s %16383s", name, type, b64) != 3) {
            continue;
        }
        char host[512];
        int port = 22;
        if (name[0] == '[') {
            char *close = strchr(name, ']');
            if (!close || close[1] != ':') {
                continue;
            }
            *close = '\0';
            snprintf(host, sizeof host, "%s", name + 1);
            port = atoi(close + 2);
        } else {
            snprintf(host, sizeof host, "%s", name);
        }
        for (size_t i = 0; i < n_devices; i++) {
            if (devices[i].port == port && !strcmp(devices[i].host, host) && !devices[i].known_key) {
                devices[i].known_key = strdup(b64);
            }
        }
    }
    fclose(f);
}

/* One device's job. Returns 0 on success. */
static int one(const struct device *d, char *buf, size_t size)
{
    int rc = -1;
    ssh_channel ch = NULL;
    ssh_session s = ssh_new();
    if (!s) {
        report(d, "ssh_new", "out of memory");
        return -1;
    }
    long timeout = 30;
    int yes = 1, no = 0;
    ssh_options_set(s, SSH_OPTIONS_HOST, d->host);
    ssh_options_set(s, SSH_OPTIONS_PORT, &d->port);
    ssh_options_set(s, SSH_OPTIONS_USER, d->user ? d->user : default_user);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    if (ssh_connect(s) != SSH_OK) {
        report(d, "connect", ssh_get_error(s));
        goto out;
    }
    if (check_host_key(s, d)) {
        goto out;
    }
    if (ssh_userauth_password(s, NULL, password) != SSH_AUTH_SUCCESS) {
        report(d, "password authentication", ssh_get_error(s));
        goto out;
    }
    ch = ssh_channel_new(s);
    if (!ch || ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_subsystem(ch, "netconf") != SSH_OK) {
        report(d, "netconf subsystem", ssh_get_error(s));
        goto out;
    }
    if (ssh_channel_write(ch, HELLO, (uint32_t)strlen(HELLO)) != (int)strlen(HELLO)) {
        report(d, "write hello", ssh_get_error(s));
        goto out;
    }
    if (read_message(s, ch, d, buf, size, "read hello")) {
        goto out;
    }
    if (!strstr(buf, "hello")) {
        report(d, "no server hello", NULL);
        goto out;
    }
    if (ssh_channel_write(ch, GET_CONFIG, (uint32_t)strlen(GET_CONFIG)) != (int)strlen(GET_CONFIG)) {
        report(d, "write get-config", ssh_get_error(s));
        goto out;
    }
    if (read_message(s, ch, d, buf, size, "read get-config reply")) {
        goto out;
    }
    if (!strstr(buf, "rpc-reply") || strstr(buf, "rpc-error")) {
        report(d, "get-config failed", buf);
        goto out;
    }
    if (expect && !strstr(buf, expect_elem)) {
        atomic_fetch_add(&n_mismatch, 1);
        report(d, "read back does not hold", expect_elem);
        goto out;
    }
    rc = 0;
out:
    if (ch) {
        ssh_channel_send_eof(ch);
        ssh_channel_close(ch);
        ssh_channel_free(ch);
    }
    ssh_disconnect(s);
    ssh_free(s);
    return rc;
}

static void *worker(void *arg)
{
    (void)arg;
    size_t size = 256 * 1024;
    char *buf = malloc(size);
    if (!buf) {
        bench_die("out of memory");
    }
    for (;;) {
        size_t i = atomic_fetch_add(&next_device, 1);
        if (i >= n_devices) {
            break;
        }
        atomic_fetch_add(one(&devices[i], buf, size) ? &n_failed : &n_ok, 1);
    }
    free(buf);
    return NULL;
}

/* netconf://[user@]host[:port] */
static int parse_uri(char *line, struct device *d)
{
    static const char scheme[] = "netconf://";
    line[strcspn(line, "\r\n")] = '\0';
    if (strncmp(line, scheme, sizeof scheme - 1)) {
        return -1;
    }
    char *p = line + sizeof scheme - 1;
    char *at = strchr(p, '@');
    d->user = NULL;
    d->known_key = NULL;
    if (at) {
        *at = '\0';
        d->user = strdup(p);
        p = at + 1;
    }
    char *colon = strrchr(p, ':');
    d->port = 830;
    if (colon && !strchr(colon, ']')) {
        *colon = '\0';
        char *end;
        errno = 0;
        long port = strtol(colon + 1, &end, 10);
        if (errno || *end || port < 1 || port > 65535) {
            return -1;
        }
        d->port = (int)port;
    }
    if (*p == '[') { /* [v6] */
        p++;
        p[strcspn(p, "]")] = '\0';
    }
    d->host = strdup(p);
    return d->host && *d->host ? 0 : -1;
}

static const char *opt_str(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i < argc - 1; i++) {
        if (!strcmp(argv[i], name)) {
            return argv[i + 1];
        }
    }
    return def;
}

int main(int argc, char **argv)
{
    const char *uris = opt_str(argc, argv, "--uris", NULL);
    int pool = atoi(opt_str(argc, argv, "--pool", "50"));
    const char *pw_env = opt_str(argc, argv, "--password-env", "FLEET_PASSWORD");
    const char *hk = opt_str(argc, argv, "--host-key", "strict");
    default_user = opt_str(argc, argv, "--user", default_user);
    known_hosts = opt_str(argc, argv, "--known-hosts", NULL);
    expect = opt_str(argc, argv, "--expect", NULL);
    if (!uris || pool < 1) {
        fprintf(stderr, "usage: %s --uris FILE [--pool N] [--password-env VAR] [--user U] "
                        "[--known-hosts FILE] [--host-key strict|accept-new|none] [--expect VALUE]\n",
                argv[0]);
        return 2;
    }
    if (!strcmp(hk, "strict")) {
        policy = HK_STRICT;
    } else if (!strcmp(hk, "accept-new")) {
        policy = HK_ACCEPT_NEW;
    } else if (!strcmp(hk, "none")) {
        policy = HK_NONE;
    } else {
        bench_die("--host-key must be strict, accept-new or none");
    }
    if (policy == HK_STRICT && !known_hosts) {
        bench_die("--host-key strict needs --known-hosts FILE");
    }
    password = getenv(pw_env);
    if (!password) {
        bench_die("the environment variable %s (the password) is not set", pw_env);
    }
    if (expect) {
        snprintf(expect_elem, sizeof expect_elem, "<description>%s</description>", expect);
    }

    FILE *f = fopen(uris, "r");
    if (!f) {
        bench_die("cannot open %s", uris);
    }
    size_t cap = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        if (n_devices == cap) {
            cap = cap ? cap * 2 : 64;
            devices = realloc(devices, cap * sizeof *devices);
            if (!devices) {
                bench_die("out of memory");
            }
        }
        if (parse_uri(line, &devices[n_devices])) {
            bench_die("%s: not a netconf://[user@]host[:port] URI: %s", uris, line);
        }
        n_devices++;
    }
    fclose(f);
    if (known_hosts) {
        read_known_hosts(known_hosts);
    }

    if ((size_t)pool > n_devices && n_devices > 0) {
        pool = (int)n_devices;
    }
    ssh_init();
    double t0 = bench_now_us();
    pthread_t *threads = calloc((size_t)pool, sizeof *threads);
    if (!threads) {
        bench_die("out of memory");
    }
    for (int i = 0; i < pool; i++) {
        if (pthread_create(&threads[i], NULL, worker, NULL)) {
            bench_die("pthread_create failed");
        }
    }
    for (int i = 0; i < pool; i++) {
        pthread_join(threads[i], NULL);
    }
    double wall = (bench_now_us() - t0) / 1e6;
    free(threads);
    ssh_finalize();

    printf("RESULT {\"devices\": %zu, \"ok\": %zu, \"failed\": %zu, \"mismatch\": %zu, \"wall_s\": %.3f}\n",
           n_devices, atomic_load(&n_ok), atomic_load(&n_failed), atomic_load(&n_mismatch), wall);
    for (size_t i = 0; i < n_devices; i++) {
        free(devices[i].user);
        free(devices[i].host);
        free(devices[i].known_key);
    }
    free(devices);
    return atomic_load(&n_failed) ? 1 : 0;
}

/* The floors of the benchmark: a bare libssh client that does only what every NETCONF client
 * must, and nothing else (no YANG, no parsing).
 *
 *   ssh_hello HOST PORT USER KEY KNOWN_HOSTS --count N
 *       connect + hello: TCP connect, SSH key exchange, host key checked against known_hosts,
 *       public-key authentication, the "netconf" subsystem, the client's <hello> out and the
 *       server's <hello> in. One sample per connection.
 *   ssh_hello HOST PORT USER KEY KNOWN_HOSTS --full
 *       after the hello (base:1.0 only, so end-of-message framing), one <get-config> of the whole
 *       running datastore, timed from the send to the reply's last byte: what the server and the
 *       transport take, the floor of any client's full get-config.
 *
 * Prints one "RESULT {json}" line. */
#include <string.h>

#include <libssh/libssh.h>

#include "bench_common.h"

static const char HELLO_10[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
    "<capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]>";
static const char GET_CONFIG[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rpc message-id=\"1\" "
    "xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source></get-config>"
    "</rpc>]]>]]>";
static const char SMALL_GET[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rpc message-id=\"0\" "
    "xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source>"
    "<filter type=\"subtree\"><interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface>"
    "<name>eth0</name></interface></interfaces></filter></get-config></rpc>]]>]]>";
static int full_mode, full_count;

/* Sends one end-of-message framed RPC and reads until the reply's end; returns the bytes read. */
static size_t rpc_eom(ssh_session s, ssh_channel ch, const char *rpc, char *buf, size_t bufsize)
{
    if (ssh_channel_write(ch, rpc, (uint32_t)strlen(rpc)) != (int)strlen(rpc)) {
        bench_die("write rpc: %s", ssh_get_error(s));
    }
    /* keep the last bytes of the previous read to find the mark across reads */
    char tail[8] = "";
    size_t total = 0;
    for (;;) {
        int n = ssh_channel_read_timeout(ch, buf, (uint32_t)bufsize, 0, 120000);
        if (n <= 0) {
            bench_die("read reply: %s", ssh_get_error(s));
        }
        total += (size_t)n;
        size_t keep = (size_t)n < 6 ? (size_t)n : 6;
        char joined[16];
        size_t tl = strlen(tail);
        memcpy(joined, tail, tl);
        memcpy(joined + tl, buf + n - keep, keep);
        joined[tl + keep] = '\0';
        if (strstr(joined, "]]>]]>")) {
            return total;
        }
        memcpy(tail, buf + n - keep, keep);
        tail[keep] = '\0';
    }
}
static double *full_samples, full_bytes;

static const char HELLO[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
    "<capabilities><capability>urn:ietf:params:netconf:base:1.0</capability>"
    "<capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>]]>]]>";

/* Returns the time the hello arrived (bench_now_us()); the teardown after it is not measured. */
static double one(const char *host, int port, const char *user, ssh_key key, const char *known_hosts)
{
    ssh_session s = ssh_new();
    long timeout = 30;
    ssh_options_set(s, SSH_OPTIONS_HOST, host);
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
    ssh_options_set(s, SSH_OPTIONS_USER, user);
    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
    int yes = 1, no = 0;
    ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    if (ssh_connect(s) != SSH_OK) {
        bench_die("ssh connect: %s", ssh_get_error(s));
    }
    if (ssh_session_is_known_server(s) != SSH_KNOWN_HOSTS_OK) {
        bench_die("host key not in %s", known_hosts);
    }
    if (ssh_userauth_publickey(s, NULL, key) != SSH_AUTH_SUCCESS) {
        bench_die("ssh auth: %s", ssh_get_error(s));
    }
    ssh_channel ch = ssh_channel_new(s);
    if (!ch || ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_subsystem(ch, "netconf") != SSH_OK) {
        bench_die("netconf subsystem: %s", ssh_get_error(s));
    }
    const char *hello = full_mode ? HELLO_10 : HELLO;
    if (ssh_channel_write(ch, hello, (uint32_t)strlen(hello)) != (int)strlen(hello)) {
        bench_die("write hello: %s", ssh_get_error(s));
    }
    char buf[65536];
    size_t len = 0;
    for (;;) {
        int n = ssh_channel_read_timeout(ch, buf + len, (uint32_t)(sizeof buf - 1 - len), 0, 30000);
        if (n <= 0) {
            bench_die("read hello: %s", ssh_get_error(s));
        }
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "]]>]]>")) {
            break;
        }
        if (len >= sizeof buf - 1) {
            bench_die("hello too long");
        }
    }
    if (!strstr(buf, "<hello") && !strstr(buf, ":hello")) {
        bench_die("no server hello");
    }
    double t_hello = bench_now_us();
    if (full_mode) {
        rpc_eom(s, ch, SMALL_GET, buf, sizeof buf); /* the first RPC is never timed (hello gate) */
        for (int i = 0; i < full_count; i++) {
            double t0 = bench_now_us();
            size_t total = rpc_eom(s, ch, GET_CONFIG, buf, sizeof buf);
            full_samples[i] = bench_now_us() - t0;
            full_bytes = (double)total;
        }
    }
    ssh_channel_send_eof(ch);
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    ssh_disconnect(s);
    ssh_free(s);
    return t_hello;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s HOST PORT USER KEY KNOWN_HOSTS --count N\n", argv[0]);
        return 2;
    }
    int n = bench_opt_int(argc, argv, "--count", 10);
    full_mode = bench_flag(argc, argv, "--full");
    if (full_mode) {
        full_count = n;
        full_samples = calloc((size_t)n, sizeof *full_samples);
        n = 1;
    }
    ssh_init();
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double t0 = bench_now_us();
        /* the key file is read on every connection, as the NETCONF clients do */
        ssh_key key = NULL;
        if (ssh_pki_import_privkey_file(argv[4], NULL, NULL, NULL, &key) != SSH_OK) {
            bench_die("cannot read key %s", argv[4]);
        }
        t[i] = one(argv[1], atoi(argv[2]), argv[3], key, argv[5]) - t0;
        ssh_key_free(key);
    }
    bench_result_begin();
    if (full_mode) {
        bench_result_samples("samples_us", full_samples, full_count);
        bench_result_num("bytes", full_bytes);
    } else {
        bench_result_samples("samples_us", t, n);
    }
    bench_result_end();
    free(t);
    ssh_finalize();
    return 0;
}

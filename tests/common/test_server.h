/* A real NETCONF device for the tests: yuma123 netconfd behind a private OpenSSH sshd on a
 * free loopback port, in a temporary directory (tests/fixtures/netconf/netconfd-up.sh). */
#ifndef DEVCONF_TEST_SERVER_H
#define DEVCONF_TEST_SERVER_H

#include <stdint.h>

#define TEST_USER "devconf-test"
#define TEST_PASSPHRASE "devconf-pass"

typedef struct test_server {
    char dir[256];
    uint16_t port;
    char uri[320];          /* netconf://devconf-test@127.0.0.1:PORT */
    char known_hosts[300];
    char key[300];          /* key without passphrase */
    char key_pp[300];       /* key with passphrase TEST_PASSPHRASE */
    char cache_dir[300];    /* schema cache for the tests' ctx */
} test_server;

/* Starts a device; aborts the test program when it cannot (a setup failure, never a skip). */
void test_server_start(test_server *t);
/* The same with extra netconfd arguments (a trusted shell word list, e.g. "--with-nmda=true"). */
void test_server_start_args(test_server *t, const char *extra);
/* Stops it and removes its directory. */
void test_server_stop(test_server *t);
/* Sends a signal to the device's netconfd (SIGSTOP/SIGCONT/SIGKILL) or, with sshd set, to sshd. */
void test_server_signal(test_server *t, int sig, int sshd);
/* Path of a file in the server directory (static buffer). */
const char *test_server_file(test_server *t, const char *name);
/* A NETCONF-over-TLS front (RFC 7589) before a running device: stunnel with client-certificate
 * verification, running netconf-subsystem per connection (tests/fixtures/netconf/tls-up.sh); its
 * certificates are in the device's directory (tls/). */
typedef struct test_tls {
    uint16_t port;
    char uri[320];                       /* netconf+tls://127.0.0.1:PORT */
    char ca[300];                        /* the CA of the server and client certificates */
    char cert[300], key[300];            /* a client certificate stunnel accepts (CN=devconf-test) */
    char other_ca[300];                  /* a CA that signed neither */
    char other_cert[300], other_key[300]; /* a client certificate of other_ca: refused by stunnel */
} test_tls;

/* Starts the TLS front of t (started); aborts the test program when it cannot. test_server_stop()
 * stops it with the device. */
void test_tls_start(test_server *t, test_tls *tls);

/* A real RESTCONF device: Jetconf 0.3.6 (tests/fixtures/restconf/jetconf-up.sh), HTTP/2 over TLS
 * with a mandatory client certificate. */
typedef struct test_restconf {
    char dir[256];
    uint16_t port;
    char uri[320];          /* restconf://127.0.0.1:PORT (root discovered) */
    char ca[300], cert[300], key[300], other_ca[300];
    char cache_dir[300];
} test_restconf;

void test_restconf_start(test_restconf *t);
void test_restconf_stop(test_restconf *t);

/* Reads a whole file; the caller frees it. NULL when missing. */
char *test_read_file(const char *path);

#endif

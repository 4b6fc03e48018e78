/* The scripted NETCONF-over-SSH server for the Check suites (tests/fixtures/netconf/scripted/ncserver.py,
 * started through ncserver-up.sh): RFC 8525-only, RFC 7895 or classic-hello devices, one or many ports,
 * hostile scenarios. Each start gets a fresh temporary directory and a random password for password and
 * keyboard-interactive logins (kept here for the test, handed to the server only through its environment). */
#ifndef DEVCONF_TEST_SCRIPTED_H
#define DEVCONF_TEST_SCRIPTED_H

#include <stddef.h>
#include <stdint.h>

#define TEST_SCRIPTED_USER "devconf-test"
#define TEST_SCRIPTED_PASSPHRASE "devconf-pass" /* of the throwaway key client_ed25519_pp */
#define TEST_SCRIPTED_MAX_PORTS 128

typedef struct test_scripted {
    char dir[256];
    char password[40];      /* random, per start */
    size_t nports;
    uint16_t ports[TEST_SCRIPTED_MAX_PORTS];
    char uri[64];           /* netconf://devconf-test@127.0.0.1:PORT of the first port */
    char known_hosts[300];  /* every port's host keys */
    char key[300];          /* client key without passphrase */
    char key_pp[300];       /* client key with passphrase TEST_SCRIPTED_PASSPHRASE */
    char stats[300];        /* stats.json */
    char log[300];          /* server.log */
    char cache_dir[300];    /* a schema cache directory for the test's ctx (not created) */
} test_scripted;

/* Starts a server with the extra ncserver.py arguments args (NULL-terminated array, or NULL for
 * none; e.g. {"--announce", "hello", NULL}). The server exits by itself when this process does.
 * Aborts the test program when it cannot start (a setup failure, never a skip). */
void test_scripted_start(test_scripted *t, const char *const *args);
/* Stops the server and removes its directory. Safe on a stopped or never-started struct. */
void test_scripted_stop(test_scripted *t);

/* Accessors (borrowed strings, valid until test_scripted_stop). */
const char *test_scripted_uri(const test_scripted *t);
/* netconf://devconf-test@127.0.0.1:PORT of port i, in a static buffer (NULL past the last port). */
const char *test_scripted_uri_at(const test_scripted *t, size_t i);
uint16_t test_scripted_port(const test_scripted *t, size_t i); /* 0 past the last port */
size_t test_scripted_port_count(const test_scripted *t);
const char *test_scripted_known_hosts(const test_scripted *t);
const char *test_scripted_key(const test_scripted *t);
const char *test_scripted_key_pp(const test_scripted *t);
const char *test_scripted_password(const test_scripted *t);
const char *test_scripted_stats_path(const test_scripted *t);
const char *test_scripted_log_path(const test_scripted *t);
const char *test_scripted_cache_dir(const test_scripted *t);
/* Path of a file in the server directory (static buffer). */
const char *test_scripted_file(const test_scripted *t, const char *name);

/* A counter of stats.json for the device on port i: "connections", "sessions", "get_schema",
 * "auth_failures", "scenarios_applied", ..., or one level down with a dot: "rpcs.get-schema",
 * "get_schema_modules.ietf-interfaces@2014-05-08". 0 when the counter is absent; -1 when the
 * file or the port cannot be read. The server writes the file before the reply that changed it. */
long test_scripted_stat(const test_scripted *t, size_t i, const char *counter);

#endif

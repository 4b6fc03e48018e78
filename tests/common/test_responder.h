/* The scripted RESTCONF responder for the Check suites (tests/fixtures/restconf/responder.py): it
 * replays the exchanges of one scenario file (tests/fixtures/restconf/responder/NAME) over plain
 * HTTP on a free loopback port and records every request it received (requests.jsonl). */
#ifndef DEVCONF_TEST_RESPONDER_H
#define DEVCONF_TEST_RESPONDER_H

typedef struct test_responder {
    char dir[256];   /* its temporary directory: port, responder.pid, responder.log, requests.jsonl */
    char uri[128];   /* restconf+http://127.0.0.1:PORT */
    int pid;
} test_responder;

/* Starts the responder on scenario (a file name under tests/fixtures/restconf/responder/, found
 * through DEVCONF_SOURCE_DIR) in a fresh directory /tmp/devconf-responder-XXXXXX, and waits up to
 * 10 s for its port. Fails the test when it does not start. */
void test_responder_start(test_responder *r, const char *scenario);
/* The same in a fresh directory made from dir_template (mkdtemp, ending in XXXXXX). */
void test_responder_start_in(test_responder *r, const char *scenario, const char *dir_template);
/* What the responder received so far (requests.jsonl; "" when none); the caller frees it. */
char *test_responder_requests(const test_responder *r);
/* Stops the responder (SIGTERM) and removes its directory; returns what it received, which the
 * caller frees. */
char *test_responder_stop(test_responder *r);

#endif

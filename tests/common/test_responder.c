#include "test_responder.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_server.h"

void test_responder_start_in(test_responder *r, const char *scenario, const char *dir_template)
{
    const char *src = getenv("DEVCONF_SOURCE_DIR");
    snprintf(r->dir, sizeof r->dir, "%s", dir_template);
    ck_assert_ptr_nonnull(mkdtemp(r->dir));
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "python3 '%s/tests/fixtures/restconf/responder.py' '%s/tests/fixtures/restconf/responder/%s' '%s' "
             ">'%s/responder.log' 2>&1 &", src ? src : ".", src ? src : ".", scenario, r->dir, r->dir);
    ck_assert_int_eq(system(cmd), 0);
    char path[400];
    snprintf(path, sizeof path, "%s/port", r->dir);
    char *port = NULL;
    for (int i = 0; i < 200 && !(port = test_read_file(path)); i++) {
        usleep(50 * 1000);
    }
    ck_assert_msg(port != NULL, "the responder did not start");
    snprintf(r->uri, sizeof r->uri, "restconf+http://127.0.0.1:%d", atoi(port));
    free(port);
    snprintf(path, sizeof path, "%s/responder.pid", r->dir);
    char *pid = test_read_file(path);
    ck_assert_ptr_nonnull(pid);
    r->pid = atoi(pid);
    free(pid);
}

void test_responder_start(test_responder *r, const char *scenario)
{
    test_responder_start_in(r, scenario, "/tmp/devconf-responder-XXXXXX");
}

char *test_responder_requests(const test_responder *r)
{
    char path[400];
    snprintf(path, sizeof path, "%s/requests.jsonl", r->dir);
    char *reqs = test_read_file(path);
    return reqs ? reqs : strdup("");
}

char *test_responder_stop(test_responder *r)
{
    kill(r->pid, SIGTERM);
    char *reqs = test_responder_requests(r);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    (void)system(cmd);
    return reqs;
}

/*
 * The classic workflow network engineers script with ncclient, in C with devconf:
 * read the interfaces configuration with a filter, set an interface description in the
 * candidate datastore (locked while we work), commit, and read it back from running.
 *
 *   interface_description URI INTERFACE DESCRIPTION
 *
 * The same program works over NETCONF (netconf://user@host) and RESTCONF (restconf://host):
 * only the URI and the credentials differ.
 *
 * Credentials come from the environment, never the command line:
 *   DEVCONF_KEY=~/.ssh/id_ed25519   SSH private key (DEVCONF_PASSPHRASE if it has one)
 *   DEVCONF_PASSWORD=...            password (SSH, or HTTP basic authentication)
 *   DEVCONF_KNOWN_HOSTS=FILE        known_hosts to verify the device against (default ~/.ssh/known_hosts)
 *   DEVCONF_CA_FILE=FILE            RESTCONF: CA the server certificate must chain to
 *   DEVCONF_CERT=FILE DEVCONF_CERT_KEY=FILE   RESTCONF: client certificate and key
 */
#include <stdio.h>
#include <stdlib.h>

#include <devconf/devconf.h>

static int fail(const char *what)
{
    const devconf_error *e = devconf_error_last();
    fprintf(stderr, "%s: %s\n", what, devconf_error_message(e));
    for (size_t i = 0; i < devconf_error_rpc_error_count(e); i++) {
        const devconf_rpc_error *r = devconf_error_rpc_error(e, i);
        fprintf(stderr, "  rpc-error %s: %s\n", devconf_rpc_error_tag(r),
                devconf_rpc_error_message(r) ? devconf_rpc_error_message(r) : "");
    }
    return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s URI INTERFACE DESCRIPTION\n", argv[0]);
        return 2;
    }
    const char *uri = argv[1], *ifname = argv[2], *description = argv[3];
    int rc = EXIT_FAILURE;
    devconf_ctx *ctx = NULL;
    devconf_session *s = NULL;
    char *out = NULL, *filter = NULL, *edit = NULL;

    if (devconf_init() < 0 || devconf_ctx_new(&ctx) < 0) {
        return fail("init");
    }
    devconf_session_options opts = DEVCONF_SESSION_OPTIONS_INIT;
    opts.private_key = getenv("DEVCONF_KEY");
    opts.passphrase = getenv("DEVCONF_PASSPHRASE");
    opts.password = getenv("DEVCONF_PASSWORD");
    opts.known_hosts = getenv("DEVCONF_KNOWN_HOSTS");
    opts.ca_file = getenv("DEVCONF_CA_FILE");
    opts.client_cert = getenv("DEVCONF_CERT");
    opts.client_key = getenv("DEVCONF_CERT_KEY");
    if (devconf_session_open(&s, ctx, uri, &opts) < 0) {
        rc = fail("connect");
        goto out;
    }
    printf("connected to %s over %s, candidate: %s\n", devconf_session_host(s),
           devconf_session_protocol(s) == DEVCONF_PROTO_NETCONF ? "NETCONF" : "RESTCONF",
           devconf_session_has_capability(s, "candidate") ? "yes" : "no");

    /* 1. read the interface with a filter (a data path: NETCONF sends it as XPath, RESTCONF as
     *    the resource path /ietf-interfaces:interfaces/interface=NAME) */
    if (asprintf(&filter, "/ietf-interfaces:interfaces/interface[name='%s']", ifname) < 0) {
        goto out;
    }
    if (devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, NULL) < 0) {
        rc = fail("get-config");
        goto out;
    }
    printf("--- running, before:\n%s\n", out);
    devconf_free(out);
    out = NULL;

    /* 2. lock the candidate where the device has locks (RESTCONF has none), set the
     *    description, commit, unlock */
    int locked = devconf_session_protocol(s) == DEVCONF_PROTO_NETCONF;
    if (locked && devconf_lock(s, DEVCONF_DS_CANDIDATE, NULL) < 0) {
        rc = fail("lock");
        goto out;
    }
    if (asprintf(&edit, "{\"ietf-interfaces:interfaces\": {\"interface\": [{\"name\": \"%s\", "
                        "\"description\": \"%s\"}]}}", ifname, description) < 0) {
        goto out;
    }
    if (devconf_discard_changes(s, NULL) < 0 || devconf_edit_config(s, DEVCONF_DS_CANDIDATE, edit, NULL) < 0 ||
        devconf_commit(s, NULL) < 0) {
        rc = fail("edit and commit");
        devconf_discard_changes(s, NULL);
        if (locked) {
            devconf_unlock(s, DEVCONF_DS_CANDIDATE, NULL);
        }
        goto out;
    }
    if (locked && devconf_unlock(s, DEVCONF_DS_CANDIDATE, NULL) < 0) {
        rc = fail("unlock");
        goto out;
    }

    /* 3. read it back from running, as JSON this time */
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    ro.format = DEVCONF_FORMAT_JSON;
    if (devconf_get_config(&out, s, DEVCONF_DS_RUNNING, filter, &ro) < 0) {
        rc = fail("get-config");
        goto out;
    }
    printf("--- running, after commit:\n%s\n", out);
    rc = EXIT_SUCCESS;
out:
    devconf_free(out);
    free(filter);
    free(edit);
    devconf_session_free(s);
    devconf_ctx_free(ctx);
    devconf_deinit();
    return rc;
}

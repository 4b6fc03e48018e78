/* The same measurement with a minimal raw libnetconf2 client: nc_connect_ssh with a key pair,
 * nc_rpc_getconfig, nc_send_rpc, nc_recv_reply, and the reply data printed to a string (the
 * work devconf also does to hand text to its caller).
 *   raw_nc_getconfig HOST PORT USER KEY COUNT CACHE_DIR */
#include <string.h>

#include <libyang/libyang.h>
#include <nc_client.h>

#include "bench_common.h"

static int accept_known(const char *hostname, ssh_session session, void *priv)
{
    (void)hostname;
    (void)session;
    (void)priv;
    return 0; /* loopback benchmark against our own test device */
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT USER KEY COUNT CACHE_DIR\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[5]);
    char pub[512];
    snprintf(pub, sizeof pub, "%s.pub", argv[4]);
    nc_client_init();
    nc_verbosity(NC_VERB_ERROR);
    nc_client_set_schema_searchpath(argv[6]);
    nc_client_ssh_set_username(argv[3]);
    nc_client_ssh_add_keypair(pub, argv[4]);
    nc_client_ssh_set_auth_pref(NC_SSH_AUTH_PASSWORD, -1);
    nc_client_ssh_set_auth_pref(NC_SSH_AUTH_INTERACTIVE, -1);
    nc_client_ssh_set_auth_hostkey_check_clb(accept_known, NULL);
    double t0 = bench_now_us();
    struct nc_session *s = nc_connect_ssh(argv[1], (uint16_t)atoi(argv[2]), NULL);
    if (!s) {
        fprintf(stderr, "connect failed\n");
        return 1;
    }
    double connect_us = bench_now_us() - t0;
    double *samples = calloc((size_t)n, sizeof *samples);
    for (int i = 0; i < n; i++) {
        double t = bench_now_us();
        struct nc_rpc *rpc = nc_rpc_getconfig(NC_DATASTORE_RUNNING, "/ietf-interfaces:interfaces/interface[name='eth0']",
                                              NC_WD_UNKNOWN, NC_PARAMTYPE_CONST);
        uint64_t id;
        struct lyd_node *envp = NULL, *op = NULL;
        if (nc_send_rpc(s, rpc, 10000, &id) != NC_MSG_RPC || nc_recv_reply(s, rpc, id, 10000, &envp, &op) != NC_MSG_REPLY ||
            !op) {
            fprintf(stderr, "get-config failed\n");
            return 1;
        }
        struct lyd_node_any *data = (struct lyd_node_any *)lyd_child(op);
        char *text = NULL;
        lyd_print_mem(&text, data->value.tree, LYD_XML, LYD_PRINT_WITHSIBLINGS);
        if (!text || !strstr(text, "eth0")) {
            fprintf(stderr, "get-config: no data\n");
            return 1;
        }
        free(text);
        lyd_free_tree(envp);
        lyd_free_all(op);
        nc_rpc_free(rpc);
        samples[i] = bench_now_us() - t;
    }
    bench_report("raw libnetconf2 (C)", samples, n, connect_us);
    free(samples);
    nc_session_free(s, NULL);
    nc_client_destroy();
    return 0;
}

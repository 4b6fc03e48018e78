/* Global set-up of libssh and libnetconf2, and libnetconf2's logger. */
#include "devconf_p.h"

#include <libssh/libssh.h>
#include <nc_client.h>

static void nc_trampoline(const struct nc_session *session, NC_VERB_LEVEL level, const char *msg)
{
    (void)session;
    devconf_log_level l;
    switch (level) {
    case NC_VERB_ERROR: l = DEVCONF_LOG_ERROR; break;
    case NC_VERB_WARNING: l = DEVCONF_LOG_WARNING; break;
    case NC_VERB_VERBOSE: l = DEVCONF_LOG_INFO; break;
    default: l = DEVCONF_LOG_DEBUG; break;
    }
    devconf__log_dep("libnetconf2", l, msg);
}

int devconf__netconf_global_init(void)
{
    if (ssh_init() != SSH_OK) {
        return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ERROR, "libssh initialisation failed");
    }
    nc_client_init();
    /* libnetconf2 installs its own libyang callback when given one: devconf's goes after it. */
    nc_set_print_clb_session(nc_trampoline);
    nc_verbosity(NC_VERB_WARNING);
    return 0;
}

void devconf__netconf_global_deinit(void)
{
    nc_client_destroy();
    ssh_finalize();
}

void devconf__netconf_thread_cleanup(void)
{
    nc_thread_destroy();
}

void devconf__netconf_log_level(devconf_log_level max)
{
    nc_verbosity(max >= DEVCONF_LOG_DEBUG ? NC_VERB_DEBUG : max >= DEVCONF_LOG_INFO ? NC_VERB_VERBOSE : NC_VERB_WARNING);
}

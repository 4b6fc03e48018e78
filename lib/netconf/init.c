/* Global set-up of libssh. */
#include "netconf/netconf_p.h"

#include <libssh/libssh.h>

int devconf__netconf_global_init(void)
{
    if (ssh_init() != SSH_OK) {
        return devconf__error_set(DEVCONF_ORIGIN_SSH, DEVCONF_ERROR, "libssh initialisation failed");
    }
    return 0;
}

void devconf__netconf_global_deinit(void)
{
    devconf__kh_shutdown();
    ssh_finalize();
}

void devconf__netconf_thread_cleanup(void)
{
}

void devconf__netconf_log_level(devconf_log_level max)
{
    (void)max;
}

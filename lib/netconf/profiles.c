/* What devconf knows about particular NETCONF servers, as data: one entry a server, found by
 * what its hello announces, each quirk with the server and version it was seen with. Generic code
 * asks the session's profile; it never tests a server's name. */
#include "netconf/netconf_p.h"

#include <string.h>

/* yuma123 netconfd 2.13-1 (Debian 12):
 *  - a second <get-schema> for ietf-netconf, from any session, kills the server ("free(): invalid
 *    pointer"); its own copy of the module is in Debian's libyuma-base
 *    (/usr/share/yuma/modules/ietf), which a search directory (DEVCONF_YANG_PATH) provides;
 *  - after <validate> of the candidate the next <commit> answers <ok/> but applies nothing and
 *    resets the candidate (DEVCONF__QUIRK_VALIDATE_BREAKS_COMMIT: the fleet transaction does not
 *    validate there);
 *  - with --with-nmda=true it announces ietf-netconf-nmda (features origin, with-defaults), but
 *    <get-data> answers every request with its whole operational datastore, origin metadata
 *    included: the datastore, subtree-filter, xpath-filter, config-filter, origin filters, max-depth
 *    and with-defaults are ignored (its get_data_validate() reads the operational root whatever
 *    the datastore, and the <filter> parameter of <get>, which get-data does not have)
 *    (DEVCONF__QUIRK_NMDA_GET_DATA_IGNORES_INPUT);
 *  - its <edit-data> changes nothing: a <config> is refused ("missing mandatory choice"), a <url>
 *    answers <ok/> (no handler is registered) (DEVCONF__QUIRK_NMDA_NO_EDIT_DATA). */
static const char *const yuma123_no_get_schema[] = { "ietf-netconf", NULL };

static const devconf__nc_profile profiles[] = {
    { "yuma123 netconfd 2.13", "http://netconfcentral.org/ns/yuma-ncx?module=yuma-ncx", yuma123_no_get_schema,
      (1u << DEVCONF__QUIRK_VALIDATE_BREAKS_COMMIT) | (1u << DEVCONF__QUIRK_NMDA_GET_DATA_IGNORES_INPUT) |
          (1u << DEVCONF__QUIRK_NMDA_NO_EDIT_DATA) },
};

static const devconf__nc_profile generic = { "generic", NULL, NULL, 0 };

const devconf__nc_profile *devconf__nc_profile_for(const char *const *caps, size_t n)
{
    for (size_t p = 0; p < sizeof profiles / sizeof *profiles; p++) {
        size_t len = strlen(profiles[p].match_cap_prefix);
        for (size_t i = 0; i < n; i++) {
            if (!strncmp(caps[i], profiles[p].match_cap_prefix, len)) {
                return &profiles[p];
            }
        }
    }
    return &generic;
}

bool devconf__nc_profile_no_get_schema(const devconf__nc_profile *p, const char *module)
{
    for (const char *const *m = p->no_get_schema; m && *m; m++) {
        if (!strcmp(*m, module)) {
            return true;
        }
    }
    return false;
}

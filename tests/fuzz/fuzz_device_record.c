/* lib/yang/cache.c devconf__device_record_read: a device's record in the on-disk schema cache
 * (what it announced last, the module set that resolved to). The file is local, but anyone who
 * could write the cache directory (refused by the cache's checks) or a crashed writer could leave
 * anything in it: an unreadable record must only mean a cold connect.
 *
 * Input: the record file's contents, written where devconf looks for the record of one device
 * (in a private temporary directory). Checked: 0 only with a complete record of valid names,
 * revisions and hashes, else 1; a record read is written back by devconf__device_record_write and
 * reads back the same. */
#include "fuzz_common.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yang/yang_p.h"

#define DEVICE "netconf://fuzz-device:830"

static char root_in[64], root_out[64], file_in[256], file_out[256];

static void cleanup(void)
{
    char dir[128];
    unlink(file_in);
    unlink(file_out);
    snprintf(dir, sizeof dir, "%s/devices", root_in);
    rmdir(dir);
    snprintf(dir, sizeof dir, "%s/devices", root_out);
    rmdir(dir);
    rmdir(root_in);
    rmdir(root_out);
}

static void same_record(const devconf__device_record *a, const devconf__device_record *b)
{
    FUZZ_CHECK(!strcmp(a->fingerprint, b->fingerprint) && !strcmp(a->key, b->key));
    FUZZ_CHECK(a->mods.n == b->mods.n);
    for (size_t i = 0; i < a->mods.n; i++) {
        const devconf__modinfo *x = &a->mods.m[i], *y = &b->mods.m[i];
        FUZZ_CHECK(!strcmp(x->name, y->name) && !strcmp(x->hash, y->hash));
        FUZZ_CHECK((!x->revision && !y->revision) || (x->revision && y->revision && !strcmp(x->revision, y->revision)));
        FUZZ_CHECK(x->implemented == y->implemented && x->submodule == y->submodule);
        FUZZ_CHECK(x->nfeatures == y->nfeatures && x->ndeviations == y->ndeviations);
        for (size_t k = 0; k < x->nfeatures; k++) {
            FUZZ_CHECK(!strcmp(x->features[k], y->features[k]));
        }
        for (size_t k = 0; k < x->ndeviations; k++) {
            FUZZ_CHECK(!strcmp(x->deviations[k], y->deviations[k]));
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    snprintf(root_in, sizeof root_in, "/tmp/devconf-fuzz-record-XXXXXX");
    snprintf(root_out, sizeof root_out, "/tmp/devconf-fuzz-record-XXXXXX");
    FUZZ_CHECK(mkdtemp(root_in) && mkdtemp(root_out));
    char dir[128];
    snprintf(dir, sizeof dir, "%s/devices", root_in);
    FUZZ_CHECK(mkdir(dir, 0700) == 0);
    /* the record's file name: the first 40 hex digits of the SHA-256 of the device's identity */
    char hex[65];
    devconf__sha256_text(DEVICE, strlen(DEVICE), hex);
    snprintf(file_in, sizeof file_in, "%s/devices/%.40s.dev", root_in, hex);
    snprintf(file_out, sizeof file_out, "%s/devices/%.40s.dev", root_out, hex);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(file_in, "wb");
    FUZZ_CHECK(f);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size || !size);
    FUZZ_CHECK(fclose(f) == 0);

    devconf__device_record rec;
    int r = devconf__device_record_read(root_in, DEVICE, &rec);
    FUZZ_CHECK(r == 0 || r == 1);
    if (r == 1) {
        FUZZ_CHECK(!rec.mods.n && !rec.mods.m);
        devconf__error_clear();
        return 0;
    }
    FUZZ_CHECK(strlen(rec.fingerprint) == 64 && strlen(rec.key) == 64 && rec.mods.n > 0);
    for (size_t i = 0; i < rec.mods.n; i++) {
        FUZZ_CHECK(devconf__yang_valid_name(rec.mods.m[i].name) && strlen(rec.mods.m[i].hash) == 64);
        FUZZ_CHECK(!rec.mods.m[i].revision || devconf__yang_valid_revision(rec.mods.m[i].revision));
    }
    /* written back, it reads back the same */
    FUZZ_CHECK(devconf__device_record_write(root_out, DEVICE, &rec) == 0);
    devconf__device_record again;
    FUZZ_CHECK(devconf__device_record_read(root_out, DEVICE, &again) == 0);
    same_record(&rec, &again);
    devconf__device_record_dispose(&again);
    devconf__device_record_dispose(&rec);
    unlink(file_out);
    devconf__error_clear();
    return 0;
}

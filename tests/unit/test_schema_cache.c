/* lib/yang/: names, module sets and their keys, the cache directory's checks, device records. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yang/yang_p.h"
#include "test_util.h"

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "%s/devconf-test-cache-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(names_and_revisions_are_validated)
{
    ck_assert(devconf__yang_valid_name("ietf-interfaces"));
    ck_assert(devconf__yang_valid_name("_a.b-c9"));
    ck_assert(!devconf__yang_valid_name("../../x"));
    ck_assert(!devconf__yang_valid_name("a/b"));
    ck_assert(!devconf__yang_valid_name("9a"));
    ck_assert(!devconf__yang_valid_name(""));
    ck_assert(!devconf__yang_valid_name("a b"));
    char longname[300];
    memset(longname, 'a', 299);
    longname[299] = '\0';
    ck_assert(!devconf__yang_valid_name(longname));
    ck_assert(devconf__yang_valid_revision("2020-01-31"));
    ck_assert(!devconf__yang_valid_revision("2020-1-31"));
    ck_assert(!devconf__yang_valid_revision("../../../x"));
    char buf[400];
    const char *h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    ck_assert_int_eq(devconf__cache_module_name(buf, sizeof buf, "m", "2020-01-31", h), 0);
    ck_assert_str_eq(buf, "m@2020-01-31~0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.yang");
    ck_assert_int_eq(devconf__cache_module_name(buf, sizeof buf, "../../x", NULL, h), DEVCONF_EPROTO);
    ck_assert_int_eq(devconf__cache_module_name(buf, sizeof buf, "m", "x/../y", h), DEVCONF_EPROTO);
    ck_assert_int_eq(devconf__cache_module_name(buf, sizeof buf, "m", NULL, "../x"), DEVCONF_EPROTO);
}
END_TEST

START_TEST(hello_capabilities_give_modules_features_and_deviations)
{
    const char *caps[] = {
        "urn:ietf:params:netconf:base:1.1",
        "urn:ietf:params:netconf:capability:candidate:1.0",
        "urn:ietf:params:netconf:capability:confirmed-commit:1.1",
        "urn:ietf:params:xml:ns:netconf:base:1.0?module=ietf-netconf&revision=2011-06-01&features=xpath",
        "urn:x?revision=2020-01-01&module=x&deviations=x-dev,y-dev&features=f1,f2",
    };
    devconf__modset s = { 0 };
    ck_assert_int_eq(devconf__modset_from_hello(&s, caps, 5), 0);
    ck_assert_int_eq(devconf__modset_netconf_features(&s, caps, 5), 0);
    ck_assert_uint_eq(s.n, 2);
    const devconf__modinfo *nc = devconf__modset_find(&s, "ietf-netconf", "2011-06-01");
    ck_assert_ptr_nonnull(nc);
    ck_assert_str_eq(nc->ns, "urn:ietf:params:xml:ns:netconf:base:1.0");
    /* xpath listed, candidate and confirmed-commit implied by the base capabilities */
    ck_assert_uint_eq(nc->nfeatures, 3);
    const devconf__modinfo *x = devconf__modset_find(&s, "x", NULL);
    ck_assert_str_eq(x->revision, "2020-01-01");
    ck_assert_uint_eq(x->nfeatures, 2);
    ck_assert_uint_eq(x->ndeviations, 2);
    devconf__modset_dispose(&s);
    const char *evil[] = { "urn:x?module=../../etc/passwd" };
    ck_assert_int_eq(devconf__modset_from_hello(&s, evil, 1), DEVCONF_EPROTO);
    devconf__modset_dispose(&s);
}
END_TEST

/* tests/fuzz/fuzz_hello_caps: "features=" at the very start of a capability was checked for a
 * preceding '&' or '?' one byte before the string (a heap read out of bounds); and only the first
 * "features="/"deviations=" was looked at, so one inside another parameter's value hid the real
 * parameter. Each capability in a buffer of its own, so AddressSanitizer sees a read before it. */
START_TEST(hello_parameters_are_read_from_the_query_only)
{
    char *caps[3];
    caps[0] = strdup("features=f0?module=a");
    caps[1] = strdup("urn:b?module=b&note=features=bad!&features=f1,f2&deviations=b-dev");
    caps[2] = strdup("urn:c&features=f3?module=c");
    devconf__modset s = { 0 };
    ck_assert_int_eq(devconf__modset_from_hello(&s, (const char *const *)caps, 3), 0);
    ck_assert_uint_eq(s.n, 3);
    const devconf__modinfo *a = devconf__modset_find(&s, "a", NULL);
    ck_assert_uint_eq(a->nfeatures, 0);
    const devconf__modinfo *b = devconf__modset_find(&s, "b", NULL);
    ck_assert_uint_eq(b->nfeatures, 2);
    ck_assert_str_eq(b->features[0], "f1");
    ck_assert_uint_eq(b->ndeviations, 1);
    ck_assert_uint_eq(devconf__modset_find(&s, "c", NULL)->nfeatures, 0);
    devconf__modset_dispose(&s);
    for (int i = 0; i < 3; i++) {
        free(caps[i]);
    }
}
END_TEST

START_TEST(key_depends_on_content_not_order)
{
    devconf__modset a = { 0 }, b = { 0 };
    devconf__modinfo *m = devconf__modset_add(&a, "a", "2020-01-01");
    memset(m->hash, '1', 64);
    m->implemented = true;
    devconf__modinfo_add_feature(m, "f2");
    devconf__modinfo_add_feature(m, "f1");
    m = devconf__modset_add(&a, "b", NULL);
    memset(m->hash, '2', 64);
    m = devconf__modset_add(&b, "b", NULL);
    memset(m->hash, '2', 64);
    m = devconf__modset_add(&b, "a", "2020-01-01");
    memset(m->hash, '1', 64);
    m->implemented = true;
    devconf__modinfo_add_feature(m, "f1");
    devconf__modinfo_add_feature(m, "f2");
    char ka[65], kb[65];
    ck_assert_int_eq(devconf__modset_key(&a, ka), 0);
    ck_assert_int_eq(devconf__modset_key(&b, kb), 0);
    ck_assert_str_eq(ka, kb);
    /* another text of one module is another set */
    b.m[0].hash[0] = '3';
    ck_assert_int_eq(devconf__modset_key(&b, kb), 0);
    ck_assert_str_ne(ka, kb);
    devconf__modset_dispose(&a);
    devconf__modset_dispose(&b);
}
END_TEST

/* tests/fuzz/fuzz_yang_library: the key of an empty set (a library that lists no module) passed
 * NULL to memcpy (undefined behaviour, reported by UBSan). */
START_TEST(key_of_an_empty_set)
{
    devconf__modset empty = { 0 };
    char k1[65], k2[65];
    ck_assert_int_eq(devconf__modset_key(&empty, k1), 0);
    ck_assert_int_eq(devconf__modset_key(&empty, k2), 0);
    ck_assert_str_eq(k1, k2);
    ck_assert_uint_eq(strlen(k1), 64);
}
END_TEST

START_TEST(sha256_matches_the_standard_vectors)
{
    char h[65];
    devconf__sha256_text("", 0, h);
    ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    devconf__sha256_text("abc", 3, h);
    ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *l = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    devconf__sha256_text(l, strlen(l), h);
    ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(cache_directory_must_be_private)
{
    char sub[300];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    ck_assert_int_eq(devconf__cache_check_dir(sub), 0); /* created, with its parents */
    struct stat st;
    ck_assert_int_eq(stat(sub, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(chmod(sub, 0775), 0);
    ck_assert_int_eq(devconf__cache_check_dir(sub), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "writable by its group"));
    ck_assert_int_eq(chmod(sub, 0707), 0);
    ck_assert_int_eq(devconf__cache_check_dir(sub), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "everyone"));
    ck_assert_int_eq(chmod(sub, 0700), 0);
    char link[300];
    snprintf(link, sizeof link, "%s/link", dir);
    ck_assert_int_eq(symlink(sub, link), 0);
    ck_assert_int_eq(devconf__cache_check_dir(link), DEVCONF_EINVAL);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "symbolic link"));
    if (geteuid() == 0) {
        ck_assert_int_eq(chown(sub, 65534, 65534), 0);
        ck_assert_int_eq(devconf__cache_check_dir(sub), DEVCONF_EINVAL);
        ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), "belongs to uid 65534"));
    }
}
END_TEST

START_TEST(cache_writes_are_private_and_never_follow_links)
{
    ck_assert_int_eq(devconf__cache_check_dir(dir), 0);
    mode_t old = umask(0);
    ck_assert_int_eq(devconf__cache_write(dir, "f.yang", "module f {}", 11), 0);
    umask(old);
    char path[400];
    snprintf(path, sizeof path, "%s/f.yang", dir);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    char *text = NULL;
    size_t len = 0;
    ck_assert_int_eq(devconf__cache_read(dir, "f.yang", 100, &text, &len), 0);
    ck_assert_str_eq(text, "module f {}");
    free(text);
    /* a link planted in the cache is not read through */
    char target[400], link[400];
    snprintf(target, sizeof target, "%s/secret", dir);
    snprintf(link, sizeof link, "%s/g.yang", dir);
    FILE *f = fopen(target, "w");
    fputs("secret", f);
    fclose(f);
    ck_assert_int_eq(symlink(target, link), 0);
    ck_assert_int_eq(devconf__cache_read(dir, "g.yang", 100, &text, &len), 1);
    /* nor is a file larger than the bound */
    ck_assert_int_eq(devconf__cache_read(dir, "f.yang", 5, &text, &len), 1);
    /* a write replaces the link, it does not write through it */
    ck_assert_int_eq(devconf__cache_write(dir, "g.yang", "new", 3), 0);
    char *secret = NULL;
    ck_assert_int_eq(devconf__cache_read(dir, "secret", 100, &secret, &len), 0);
    ck_assert_str_eq(secret, "secret");
    free(secret);
}
END_TEST

START_TEST(device_records_round_trip_and_bad_ones_are_ignored)
{
    ck_assert_int_eq(devconf__cache_check_dir(dir), 0);
    char devs[300];
    snprintf(devs, sizeof devs, "%s/devices", dir);
    ck_assert_int_eq(devconf__cache_check_dir(devs), 0);
    devconf__device_record rec = { 0 };
    memset(rec.fingerprint, 'a', 64);
    memset(rec.key, 'b', 64);
    devconf__modinfo *m = devconf__modset_add(&rec.mods, "ietf-interfaces", "2018-02-20");
    memset(m->hash, 'c', 64);
    m->implemented = true;
    devconf__modinfo_add_feature(m, "if-mib");
    devconf__modinfo_add_deviation(m, "vendor-dev");
    m = devconf__modset_add(&rec.mods, "sub", NULL);
    memset(m->hash, 'd', 64);
    m->submodule = true;
    ck_assert_int_eq(devconf__device_record_write(dir, "netconf://10.0.0.1:830", &rec), 0);
    devconf__device_record back;
    ck_assert_int_eq(devconf__device_record_read(dir, "netconf://10.0.0.1:830", &back), 0);
    ck_assert_str_eq(back.fingerprint, rec.fingerprint);
    ck_assert_str_eq(back.key, rec.key);
    ck_assert_uint_eq(back.mods.n, 2);
    const devconf__modinfo *b = devconf__modset_find(&back.mods, "ietf-interfaces", "2018-02-20");
    ck_assert(b->implemented);
    ck_assert_str_eq(b->features[0], "if-mib");
    ck_assert_str_eq(b->deviations[0], "vendor-dev");
    ck_assert(devconf__modset_find(&back.mods, "sub", NULL)->submodule);
    devconf__device_record_dispose(&back);
    ck_assert_int_eq(devconf__device_record_read(dir, "netconf://10.0.0.2:830", &back), 1);
    devconf__device_record_dispose(&rec);
    /* a record naming a path is not a record */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "sed -i 's/mod ietf-interfaces/mod ..\\/..\\/x/' %s/devices/*.dev", dir);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(devconf__device_record_read(dir, "netconf://10.0.0.1:830", &back), 1);
}
END_TEST

START_TEST(yang_library_documents_of_both_kinds_are_read)
{
    devconf__modset s = { 0 };
    char *id = NULL;
    const char *yl = "<yang-library xmlns=\"urn:ietf:params:xml:ns:yang:ietf-yang-library\"><module-set><name>all</name>"
                     "<module><name>a</name><revision>2020-01-01</revision><namespace>urn:a</namespace>"
                     "<feature>f</feature><deviation>d</deviation><submodule><name>a-sub</name>"
                     "<revision>2020-01-01</revision></submodule></module>"
                     "<module><name>d</name><namespace>urn:d</namespace></module>"
                     "<import-only-module><name>t</name><revision>2013-07-15</revision><namespace>urn:t</namespace>"
                     "</import-only-module></module-set><content-id>42</content-id></yang-library>";
    ck_assert_int_eq(devconf__yang_library_parse(yl, DEVCONF_FORMAT_XML, &s, &id), 0);
    ck_assert_str_eq(id, "42");
    free(id);
    ck_assert_uint_eq(s.n, 4);
    ck_assert(devconf__modset_find(&s, "a", "2020-01-01")->implemented);
    ck_assert_str_eq(devconf__modset_find(&s, "a", NULL)->features[0], "f");
    ck_assert(devconf__modset_find(&s, "a-sub", NULL)->submodule);
    ck_assert(!devconf__modset_find(&s, "t", NULL)->implemented);
    devconf__modset_dispose(&s);
    const char *ms = "{\"ietf-yang-library:modules-state\":{\"module-set-id\":\"7\",\"module\":[{\"name\":\"a\","
                     "\"revision\":\"\",\"namespace\":\"urn:a\",\"conformance-type\":\"implement\",\"schema\":"
                     "\"https://h/a.yang\"},{\"name\":\"t\",\"revision\":\"2013-07-15\",\"namespace\":\"urn:t\","
                     "\"conformance-type\":\"import\"}]}}";
    ck_assert_int_eq(devconf__yang_library_parse(ms, DEVCONF_FORMAT_JSON, &s, &id), 0);
    ck_assert_str_eq(id, "7");
    free(id);
    ck_assert_ptr_null(devconf__modset_find(&s, "a", NULL)->revision);
    ck_assert_str_eq(devconf__modset_find(&s, "a", NULL)->location, "https://h/a.yang");
    ck_assert(!devconf__modset_find(&s, "t", NULL)->implemented);
    devconf__modset_dispose(&s);
    /* a module name that is a path is refused */
    const char *evil = "<modules-state xmlns=\"urn:ietf:params:xml:ns:yang:ietf-yang-library\"><module-set-id>1"
                       "</module-set-id><module><name>../../x</name><revision></revision><namespace>urn:x</namespace>"
                       "<conformance-type>implement</conformance-type></module></modules-state>";
    ck_assert_int_eq(devconf__yang_library_parse(evil, DEVCONF_FORMAT_XML, &s, &id), DEVCONF_EPROTO);
    free(id);
    devconf__modset_dispose(&s);
    ck_assert_int_eq(devconf__yang_library_parse("<x xmlns=\"urn:x\"/>", DEVCONF_FORMAT_XML, &s, &id), 1);
    devconf__modset_dispose(&s);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("schema_cache");
    TCase *tc = tcase_create("schema_cache");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, names_and_revisions_are_validated);
    tcase_add_test(tc, hello_capabilities_give_modules_features_and_deviations);
    tcase_add_test(tc, hello_parameters_are_read_from_the_query_only);
    tcase_add_test(tc, key_depends_on_content_not_order);
    tcase_add_test(tc, key_of_an_empty_set);
    tcase_add_test(tc, sha256_matches_the_standard_vectors);
    tcase_add_test(tc, cache_directory_must_be_private);
    tcase_add_test(tc, cache_writes_are_private_and_never_follow_links);
    tcase_add_test(tc, device_records_round_trip_and_bad_ones_are_ignored);
    tcase_add_test(tc, yang_library_documents_of_both_kinds_are_read);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}

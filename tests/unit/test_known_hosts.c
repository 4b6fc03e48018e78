/* lib/netconf/known_hosts.c: known_hosts files as OpenSSH writes and reads them (plain names,
 * [host]:port, several names a line, wildcards, negations, names hashed by ssh-keygen -H, @revoked,
 * @cert-authority, comments), parsed once and again when the file changes; records appended
 * private. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netconf/netconf_p.h"
#include "test_util.h"

#define ED1 "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
#define ED2 "AAAAC3NzaC1lZDI1NTE5AAAAIBo4EcQmF0dXJlIHRlc3Qga2V5IG9mIGRldmNvbmYh"
#define RSA1 "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"

static char dir[256], path[300];

static void setup(void)
{
    snprintf(dir, sizeof dir, "%s/devconf-kh-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/known_hosts", dir);
}

static void teardown(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    devconf__kh_shutdown();
}

static char *read_all(const char *p)
{
    FILE *f = fopen(p, "r");
    if (!f) {
        return NULL;
    }
    devconf__buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        devconf__buf_append(&b, chunk, n);
    }
    fclose(f);
    devconf__buf_puts(&b, "");
    return devconf__buf_steal(&b);
}

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* "type:blob[:revoked]" of every key for host:port, ';'-separated, in file order. */
static char *keys_of(const char *host, uint16_t port)
{
    devconf__kh_keys k;
    ck_assert_int_eq(devconf__kh_lookup(path, host, port, &k), 0);
    devconf__buf b = { 0 };
    devconf__buf_puts(&b, "");
    for (size_t i = 0; i < k.n; i++) {
        devconf__buf_printf(&b, "%s%s:%.6s%s", i ? ";" : "", k.keys[i].type, k.keys[i].blob,
                            k.keys[i].revoked ? ":revoked" : "");
    }
    devconf__kh_keys_dispose(&k);
    return devconf__buf_steal(&b);
}

static void expect(const char *host, uint16_t port, const char *want)
{
    char *got = keys_of(host, port);
    ck_assert_msg(!strcmp(got, want), "%s:%u: got '%s', want '%s'", host, (unsigned)port, got, want);
    free(got);
}

START_TEST(plain_names_ports_and_lists)
{
    write_file("# comment\n"
               "\n"
               "router1 ssh-ed25519 " ED1 "\n"
               "[router1]:830 ssh-rsa " RSA1 " a comment\n"
               "router2,192.0.2.2,[192.0.2.2]:2830 ssh-ed25519 " ED2 "\n"
               "   \t[10.0.0.1]:830\tssh-ed25519\t" ED1 "\n"
               "malformed-line-without-key ssh-ed25519\n");
    expect("router1", 22, "ssh-ed25519:AAAAC3");
    expect("router1", 830, "ssh-rsa:AAAAB3");
    expect("router2", 22, "ssh-ed25519:AAAAC3");
    expect("192.0.2.2", 22, "ssh-ed25519:AAAAC3");
    expect("192.0.2.2", 2830, "ssh-ed25519:AAAAC3");
    expect("192.0.2.2", 830, "");
    expect("10.0.0.1", 830, "ssh-ed25519:AAAAC3");
    expect("router3", 22, "");
    expect("malformed-line-without-key", 22, "");
}
END_TEST

START_TEST(wildcards_and_negation)
{
    write_file("[core-*]:830,![core-9]:830 ssh-ed25519 " ED1 "\n"
               "edge-? ssh-rsa " RSA1 "\n");
    expect("core-1", 830, "ssh-ed25519:AAAAC3");
    expect("core-12", 830, "ssh-ed25519:AAAAC3");
    expect("core-9", 830, ""); /* negated */
    expect("core-1", 22, "");
    expect("edge-1", 22, "ssh-rsa:AAAAB3");
    expect("edge-10", 22, "");
}
END_TEST

START_TEST(hashed_names_from_ssh_keygen)
{
    write_file("[127.0.0.1]:2830 ssh-ed25519 " ED1 "\nrouter9 ssh-ed25519 " ED2 "\n");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ssh-keygen -q -H -f '%s' >/dev/null 2>&1", path);
    ck_assert_int_eq(system(cmd), 0);
    char *text = read_all(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_null(strstr(text, "router9")); /* really hashed */
    ck_assert_ptr_nonnull(strstr(text, "|1|"));
    free(text);
    expect("127.0.0.1", 2830, "ssh-ed25519:AAAAC3");
    expect("router9", 22, "ssh-ed25519:AAAAC3");
    expect("127.0.0.1", 22, "");
    expect("router8", 22, "");
}
END_TEST

START_TEST(revoked_and_cert_authority)
{
    write_file("@cert-authority *.example.net ssh-ed25519 " ED2 "\n"
               "@revoked * ssh-ed25519 " ED2 "\n"
               "host.example.net ssh-ed25519 " ED1 "\n");
    /* the CA line is skipped; the revoked key is reported for every host */
    expect("host.example.net", 22, "ssh-ed25519:AAAAC3;ssh-ed25519:AAAAC3:revoked");
    expect("other", 22, "ssh-ed25519:AAAAC3:revoked");
}
END_TEST

START_TEST(a_changed_file_is_read_again)
{
    write_file("a ssh-ed25519 " ED1 "\n");
    expect("a", 22, "ssh-ed25519:AAAAC3");
    expect("b", 22, "");
    /* appended by devconf (accept-new): private, found at once */
    ck_assert_int_eq(devconf__kh_append(path, "b", 830, "ssh-rsa", RSA1), 0);
    expect("b", 830, "ssh-rsa:AAAAB3");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    /* rewritten by someone else (a replaced key) */
    write_file("a ssh-ed25519 " ED2 "\n");
    char *got = keys_of("a", 22);
    ck_assert_str_eq(got, "ssh-ed25519:AAAAC3");
    free(got);
    devconf__kh_keys k;
    ck_assert_int_eq(devconf__kh_lookup(path, "a", 22, &k), 0);
    ck_assert_uint_eq(k.n, 1);
    ck_assert_str_eq(k.keys[0].blob, ED2);
    devconf__kh_keys_dispose(&k);
}
END_TEST

START_TEST(append_creates_a_private_file)
{
    umask(0022);
    ck_assert_int_eq(devconf__kh_append(path, "new", 22, "ssh-ed25519", ED1), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    char *text = read_all(path);
    ck_assert_str_eq(text, "new ssh-ed25519 " ED1 "\n");
    free(text);
    /* never through a symbolic link */
    char link[400];
    snprintf(link, sizeof link, "%s/link", dir);
    ck_assert_int_eq(symlink(path, link), 0);
    ck_assert_int_lt(devconf__kh_append(link, "x", 22, "ssh-ed25519", ED1), 0);
}
END_TEST

START_TEST(missing_file_and_dev_null_know_nothing)
{
    devconf__kh_keys k;
    ck_assert_int_eq(devconf__kh_lookup(path, "a", 22, &k), 0);
    ck_assert_uint_eq(k.n, 0);
    ck_assert_int_eq(devconf__kh_lookup("/dev/null", "a", 22, &k), 0);
    ck_assert_uint_eq(k.n, 0);
    /* a directory is an error that names it */
    ck_assert_int_lt(devconf__kh_lookup(dir, "a", 22, &k), 0);
    ck_assert_ptr_nonnull(strstr(devconf_error_message(devconf_error_last()), dir));
}
END_TEST

START_TEST(a_thousand_devices_one_parse)
{
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 1000; i++) {
        fprintf(f, "[127.0.0.1]:%d ssh-rsa %s%04d\n", 20000 + i, RSA1, i);
    }
    fclose(f);
    for (int i = 0; i < 1000; i++) {
        devconf__kh_keys k;
        ck_assert_int_eq(devconf__kh_lookup(path, "127.0.0.1", (uint16_t)(20000 + i), &k), 0);
        ck_assert_uint_eq(k.n, 1);
        char want[64];
        snprintf(want, sizeof want, "%s%04d", RSA1, i);
        ck_assert_str_eq(k.keys[0].blob, want);
        devconf__kh_keys_dispose(&k);
    }
}
END_TEST

int main(void)
{
    Suite *su = suite_create("known_hosts");
    TCase *tc = tcase_create("known_hosts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, plain_names_ports_and_lists);
    tcase_add_test(tc, wildcards_and_negation);
    tcase_add_test(tc, hashed_names_from_ssh_keygen);
    tcase_add_test(tc, revoked_and_cert_authority);
    tcase_add_test(tc, a_changed_file_is_read_again);
    tcase_add_test(tc, append_creates_a_private_file);
    tcase_add_test(tc, missing_file_and_dev_null_know_nothing);
    tcase_add_test(tc, a_thousand_devices_one_parse);
    suite_add_tcase(su, tc);
    return test_run_suite(su);
}

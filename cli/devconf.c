/*
 * devconf: command-line front end of libdevconf.
 *
 *     devconf [OPTIONS] URI COMMAND [ARGS]
 *
 * Global options are parsed up to the URI. Each sub-command is a row of the `commands` table: its
 * options, how many positional arguments it takes, a check that runs before connecting (argument
 * combinations, reading payload files) and a handler that runs on the open session. Nothing
 * connects before the command line is known to be valid, so `COMMAND --help` works offline.
 */
#include <devconf/devconf.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Exit statuses, one per error class (listed in --help). */
enum {
    EXIT_OK = 0,
    EXIT_GENERIC = 1,     /* DEVCONF_ERROR, ENOMEM, EUSER, local I/O */
    EXIT_USAGE = 2,       /* bad command line, DEVCONF_EINVAL */
    EXIT_CONNECT = 3,     /* DEVCONF_ECONNECT */
    EXIT_AUTH = 4,        /* DEVCONF_EAUTH */
    EXIT_HOSTKEY = 5,     /* DEVCONF_EHOSTKEY */
    EXIT_TIMEOUT = 6,     /* DEVCONF_ETIMEOUT */
    EXIT_RPC = 7,         /* DEVCONF_ERPC */
    EXIT_YANG = 8,        /* DEVCONF_EYANG */
    EXIT_UNSUPPORTED = 9, /* DEVCONF_EUNSUPPORTED */
    EXIT_PROTO = 10,      /* DEVCONF_EPROTO */
    EXIT_NOTFOUND = 11,   /* DEVCONF_ENOTFOUND, missing input file */
    EXIT_SOME_FAILED = 12, /* --inventory: some devices failed */
    EXIT_ALL_FAILED = 13,  /* --inventory: every device failed */
    EXIT_CANCELLED = 14    /* DEVCONF_ECANCELED: interrupted */
};

/* Returned by the parsing and checking steps when the program goes on. */
#define CONTINUE (-1)

#define PASSWORD_MAX 1024

/* Long options without a short form. */
enum {
    OPT_FILTER = 256, OPT_XPATH, OPT_SUBTREE, OPT_WITH_DEFAULTS, OPT_DEVICE_TEXT, OPT_SOURCE, OPT_TARGET,
    OPT_DEFAULT_OPERATION, OPT_TEST_OPTION, OPT_ERROR_OPTION, OPT_COMMIT, OPT_CONFIRMED,
    OPT_CONFIRM_TIMEOUT, OPT_PERSIST, OPT_PERSIST_ID, OPT_REVISION, OPT_SCHEMA_FORMAT,
    OPT_KNOWN_HOSTS, OPT_HOSTKEY, OPT_KEY, OPT_AGENT, OPT_USER, OPT_PASSWORD, OPT_PASSWORD_ENV,
    OPT_FORMAT, OPT_TIMEOUT, OPT_SEARCH_DIR, OPT_CACHE_DIR, OPT_VERSION, OPT_CA_FILE, OPT_CERT, OPT_CERT_KEY,
    OPT_TLS_INSECURE, OPT_REPLACE, OPT_CONFIRM, OPT_WAIT, OPT_DRY_RUN, OPT_AS_EDIT,
    OPT_INVENTORY, OPT_LIMIT, OPT_FORKS, OPT_OUTPUT_DIR, OPT_DEVICE_TIMEOUT, OPT_RETRIES, OPT_ALL_OR_NOTHING,
    OPT_WEAK, OPT_PROGRESS, OPT_MAX_PAYLOAD, OPT_MAX_REPLY, OPT_DATASTORE, OPT_CONFIG_ONLY, OPT_NONCONFIG_ONLY,
    OPT_ORIGIN, OPT_NEGATE_ORIGIN, OPT_WITH_ORIGIN, OPT_MAX_DEPTH, OPT_CALL_HOME, OPT_CALL_HOME_ADDRESS,
    OPT_CALL_HOME_WAIT, OPT_STREAM, OPT_COUNT, OPT_UNTIL, OPT_START_TIME
};

/* Largest payload file read (--max-payload), checked before reading: a device file or a FIFO given
 * by mistake (/dev/zero reached 2 GB of memory in 6 s) is refused, and so is a file larger than this. */
#define MAX_PAYLOAD_DEFAULT (64ull * 1024 * 1024)
static unsigned long long max_payload = MAX_PAYLOAD_DEFAULT;

struct global_opts {
    const char *known_hosts;
    devconf_hostkey_policy hostkey;
    const char *key;
    int agent;
    const char *user;
    const char *password_env;
    devconf_format format;
    int timeout_ms; /* 0: the library's defaults */
    unsigned long long max_reply; /* --max-reply; 0: the library's default (256 MiB) */
    int verbose;
    const char **search_dirs; /* borrowed from argv */
    size_t n_search_dirs;
    const char *cache_dir;
    const char *ca_file;   /* RESTCONF over HTTPS */
    const char *cert;
    const char *cert_key;
    int tls_insecure;
    /* --inventory mode */
    const char *inventory;
    const char *limit;
    unsigned forks;
    const char *output_dir;
    int device_timeout_ms;
    unsigned retries;
    int progress; /* 1: a progress line on stderr (default when it is a terminal), 0: none */
    /* --call-home: the device connects to us (RFC 8071) */
    int call_home_port; /* -1: dial the device; 0: the RFC 8071 port; else the port */
    const char *call_home_address; /* default 0.0.0.0 */
    int call_home_wait_ms; /* default 60 s */
};

/* --origin may be given this many times (a usage error names the limit past it). */
#define MAX_ORIGINS 32

struct cmd_args {
    devconf_format format; /* global --format */
    const char *filter;    /* --filter / --xpath text, or the --subtree file's contents */
    devconf_filter_type filter_type;
    int n_filters;
    const char *subtree_file;
    devconf_with_defaults with_defaults;
    int device_text;      /* get, get-config --device-text */
    devconf_datastore source; /* 0: not given */
    devconf_datastore target; /* 0: not given */
    devconf_edit_options edit;
    int commit; /* edit-config --commit */
    devconf_commit_options commit_opts;
    const char *revision;
    const char *schema_format;
    uint32_t session_id;
    char **pos; /* positional arguments */
    int n_pos;
    char *payload; /* owned: FILE|- or --subtree contents */
    int replace;          /* apply --replace */
    uint32_t confirm_s;   /* apply --confirm SECONDS */
    int wait;             /* apply --confirm --wait (RESTCONF: the answer comes on standard input) */
    int dry_run;          /* apply --dry-run */
    int as_edit;          /* diff --edit */
    int all_or_nothing;   /* apply --all-or-nothing (--inventory) */
    int weak;             /* apply --all-or-nothing --weak */
    /* get-data, edit-data (NMDA) */
    devconf_datastore datastore; /* --datastore; 0: not given */
    devconf_config_filter config_filter;
    const char *origins[MAX_ORIGINS];
    size_t n_origins;
    int negate_origin;
    int with_origin;
    unsigned max_depth;
    /* subscribe */
    const char *stream;       /* --stream */
    unsigned long count;      /* --count; 0: no limit */
    const char *until;        /* --until as given */
    int64_t until_s;          /* --until: a duration in seconds (until_abs 0) or a UTC time (until_abs 1) */
    int until_abs;
    const char *start_time;   /* --start-time as given (checked) */
    char stop_time[32];       /* --until as the RFC 5277 stopTime, with --start-time */
    devconf_format sub_format; /* subscribe --format; 0: the global --format */
    int verbose;              /* the global -v */
};

struct command {
    const char *name;
    const struct option *options;
    int min_pos, max_pos;
    int (*check)(const struct command *cmd, struct cmd_args *a); /* CONTINUE or an exit status */
    int (*run)(devconf_session *s, struct cmd_args *a);          /* 0 or a devconf_code */
    const char *synopsis;
    const char *summary;
    const char *details;
};

struct keyword {
    const char *name;
    int value;
};

static const struct keyword datastores[] = {
    {"running", DEVCONF_DS_RUNNING}, {"candidate", DEVCONF_DS_CANDIDATE}, {"startup", DEVCONF_DS_STARTUP}, {NULL, 0}};
static const struct keyword nmda_datastores[] = {
    {"running", DEVCONF_DS_RUNNING}, {"candidate", DEVCONF_DS_CANDIDATE}, {"startup", DEVCONF_DS_STARTUP},
    {"intended", DEVCONF_DS_INTENDED}, {"operational", DEVCONF_DS_OPERATIONAL}, {NULL, 0}};
static const struct keyword wd_modes[] = {
    {"report-all", DEVCONF_WD_REPORT_ALL}, {"report-all-tagged", DEVCONF_WD_REPORT_ALL_TAGGED},
    {"trim", DEVCONF_WD_TRIM}, {"explicit", DEVCONF_WD_EXPLICIT}, {NULL, 0}};
static const struct keyword edit_ops[] = {
    {"merge", DEVCONF_EDIT_MERGE}, {"replace", DEVCONF_EDIT_REPLACE}, {"none", DEVCONF_EDIT_NONE}, {NULL, 0}};
static const struct keyword test_opts[] = {
    {"test-then-set", DEVCONF_TEST_THEN_SET}, {"set", DEVCONF_TEST_SET}, {"test-only", DEVCONF_TEST_ONLY}, {NULL, 0}};
static const struct keyword error_opts[] = {
    {"stop-on-error", DEVCONF_ERROR_OPTION_STOP}, {"continue-on-error", DEVCONF_ERROR_OPTION_CONTINUE},
    {"rollback-on-error", DEVCONF_ERROR_OPTION_ROLLBACK}, {NULL, 0}};
static const struct keyword hostkey_policies[] = {
    {"strict", DEVCONF_HOSTKEY_STRICT}, {"accept-new", DEVCONF_HOSTKEY_ACCEPT_NEW},
    {"skip", DEVCONF_HOSTKEY_INSECURE_SKIP}, {NULL, 0}};
static const struct keyword formats[] = {{"xml", DEVCONF_FORMAT_XML}, {"json", DEVCONF_FORMAT_JSON}, {NULL, 0}};
static const struct keyword schema_formats[] = {{"yang", 0}, {"yin", 1}, {NULL, 0}};
static const struct keyword on_off[] = {{"on", 1}, {"off", 0}, {NULL, 0}};

/* An error kept across a clean-up call (which resets devconf_error_last()), reported instead. */
static _Thread_local devconf_error *kept_error;

/* Fleet mode: a command's output on this thread goes into this buffer (the device's result) instead
 * of stdout. */
struct capture {
    char *data;
    size_t len, cap;
};
static _Thread_local struct capture *tl_capture;

static void capture_append(struct capture *c, const char *s, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        while (cap < c->len + n + 1)
            cap *= 2;
        char *d = realloc(c->data, cap);
        if (!d)
            return; /* the result is shorter; the device's code still says what happened */
        c->data = d;
        c->cap = cap;
    }
    memcpy(c->data + c->len, s, n);
    c->len += n;
    c->data[c->len] = '\0';
}

/* ---- output helpers -------------------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at p (1 to 4), 0 when p does not start one. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n, i;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        lo = p[0] == 0xE0 ? 0xA0 : 0x80;
        hi = p[0] == 0xED ? 0x9F : 0xBF;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        lo = p[0] == 0xF0 ? 0x90 : 0x80;
        hi = p[0] == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

/* How text from a device is shown where a terminal may read it. */
enum {
    SHOW_DATA,   /* data: newlines and tabs kept */
    SHOW_LINES,  /* a log line: newlines and tabs kept */
    SHOW_LINE    /* one line: newlines, carriage returns and tabs become spaces */
};

/* Writes s so that it cannot drive a terminal: C0 controls (but those the mode keeps), DEL and C1
 * controls (U+0080-U+009F: U+009B is CSI, U+009D OSC) are shown as \u001b or \u009b, and bytes that
 * are not UTF-8 (a terminal in an 8-bit mode reads a lone 0x9b as CSI) as \xff. */
static void put_escaped(FILE *f, const char *s, int mode)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        size_t n = utf8_len(p);
        unsigned cp = n == 2 ? (unsigned)((p[0] & 0x1F) << 6 | (p[1] & 0x3F)) : p[0];

        if (n == 0) {
            fprintf(f, "\\x%02x", p[0]);
            p++;
            continue;
        }
        if (n == 1 && (cp == '\n' || cp == '\t' || (cp == '\r' && mode == SHOW_LINE))) {
            fputc(mode == SHOW_LINE ? ' ' : (int)cp, f);
        } else if ((n == 1 && (cp < 0x20 || cp == 0x7F)) || (n == 2 && cp >= 0x80 && cp <= 0x9F)) {
            fprintf(f, "\\u%04x", cp);
        } else {
            fwrite(p, 1, n, f);
        }
        p += n;
    }
}

/* Print text that came from the device in a message or list (never raw to a terminal). */
static void put_clean(FILE *f, const char *s, int keep_lines)
{
    put_escaped(f, s, keep_lines ? SHOW_LINES : SHOW_LINE);
}

static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Prints a result on stdout with a trailing newline (nothing when it is empty), then frees it. On a
 * terminal, control characters from the device are shown escaped (put_escaped); to a pipe or a file
 * the data goes exactly as the device sent it. */
static void emit(char *data)
{
    size_t len = data ? strlen(data) : 0;
    if (tl_capture) {
        if (len)
            capture_append(tl_capture, data, len);
        devconf_free(data);
        return;
    }
    if (len) {
        if (isatty(STDOUT_FILENO))
            put_escaped(stdout, data, SHOW_DATA);
        else
            fputs(data, stdout);
        if (data[len - 1] != '\n')
            fputc('\n', stdout);
    }
    devconf_free(data);
}

/* A note for the person at the terminal; in --inventory mode (many devices at once) left out. */
static void note(const char *fmt, ...) DEVCONF_PRINTF(1, 2);

static void note(const char *fmt, ...)
{
    va_list ap;
    if (tl_capture)
        return;
    fputs("devconf: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int usage_error(const char *cmd, const char *fmt, ...) DEVCONF_PRINTF(2, 3);

static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("devconf: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'devconf %s%s--help' for more information.\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

static int exit_status(int code)
{
    switch (code) {
    case DEVCONF_OK: return EXIT_OK;
    case DEVCONF_EINVAL: return EXIT_USAGE;
    case DEVCONF_ECONNECT: return EXIT_CONNECT;
    case DEVCONF_EAUTH: return EXIT_AUTH;
    case DEVCONF_EHOSTKEY: return EXIT_HOSTKEY;
    case DEVCONF_ETIMEOUT: return EXIT_TIMEOUT;
    case DEVCONF_ERPC: return EXIT_RPC;
    case DEVCONF_EYANG: return EXIT_YANG;
    case DEVCONF_EUNSUPPORTED: return EXIT_UNSUPPORTED;
    case DEVCONF_EPROTO: return EXIT_PROTO;
    case DEVCONF_ENOTFOUND: return EXIT_NOTFOUND;
    case DEVCONF_ECANCELED: return EXIT_CANCELLED;
    default: return EXIT_GENERIC; /* DEVCONF_ERROR, ENOMEM, EUSER and unknown codes */
    }
}

static void keep_error(void)
{
    devconf_error_free(kept_error);
    if (devconf_error_dup(&kept_error, devconf_error_last()) != 0)
        kept_error = NULL;
}

/* Print a failed call's error (and every error the device reported); return the exit status. */
static int report_error(int code)
{
    const devconf_error *e = kept_error ? kept_error : devconf_error_last();
    const char *msg = devconf_error_message(e);
    size_t i, n = devconf_error_rpc_error_count(e);

    /* Errors found by local YANG validation (a dry run) are listed like a device's, but
     * labelled as local: nothing was sent. */
    const char *label = devconf_error_origin(e) == DEVCONF_ORIGIN_YANG ? "  local-error (nothing sent):"
                                                                        : "  rpc-error:";

    fputs("devconf: ", stderr);
    put_clean(stderr, msg && *msg ? msg : devconf_strerror(code), 0);
    fputc('\n', stderr);
    for (i = 0; i < n; i++) {
        const devconf_rpc_error *r = devconf_error_rpc_error(e, i);
        const struct {
            const char *name, *value;
        } fields[] = {
            {"tag", devconf_rpc_error_tag(r)},         {"type", devconf_rpc_error_type(r)},
            {"severity", devconf_rpc_error_severity(r)}, {"app-tag", devconf_rpc_error_app_tag(r)},
            {"path", devconf_rpc_error_path(r)},       {"message", devconf_rpc_error_message(r)},
        };
        size_t f;
        fputs(label, stderr);
        for (f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            if (!fields[f].value)
                continue;
            fprintf(stderr, " %s=", fields[f].name);
            put_clean(stderr, fields[f].value, 0);
        }
        fputc('\n', stderr);
    }
    devconf_error_free(kept_error);
    kept_error = NULL;
    return exit_status(code);
}

static void log_to_stderr(devconf_log_level level, const char *origin, const char *msg, void *payload)
{
    (void)payload;
    fprintf(stderr, "devconf: %s: %s: ", devconf_log_level_name(level), origin ? origin : "devconf");
    put_clean(stderr, msg ? msg : "", 1);
    fputc('\n', stderr);
}

/* ---- argument helpers ------------------------------------------------------------------------ */

/* Look up a keyword value; on failure print a usage error listing the accepted words, return 0. */
static int keyword(const char *cmd, const char *opt, const char *arg, const struct keyword *kw, int *out)
{
    char list[256] = "";
    size_t len = 0;
    const struct keyword *k;

    for (k = kw; k->name; k++) {
        if (strcmp(arg, k->name) == 0) {
            *out = k->value;
            return 1;
        }
    }
    for (k = kw; k->name && len < sizeof list; k++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k == kw ? "" : ", ", k->name);
    usage_error(cmd, "invalid value '%s' for %s (expected %s)", arg, opt, list);
    return 0;
}

static int parse_uint(const char *cmd, const char *what, const char *arg, unsigned long min, unsigned long max,
                      unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end || errno || v < min || v > max) {
        usage_error(cmd, "invalid %s '%s' (expected a number from %lu to %lu)", what, arg, min, max);
        return 0;
    }
    *out = v;
    return 1;
}

/* A size in bytes for --max-payload or --max-reply (option): digits, optionally followed by K, M
 * or G (times 1024, 1024^2, 1024^3); at least 1 byte, at most 1 TiB. */
static int parse_size(const char *option, const char *arg, unsigned long long *out)
{
    char *end;
    unsigned long long v, mult = 1;

    errno = 0;
    v = strtoull(arg, &end, 10);
    if (*end == 'K' || *end == 'k')
        mult = 1024ull;
    else if (*end == 'M' || *end == 'm')
        mult = 1024ull * 1024;
    else if (*end == 'G' || *end == 'g')
        mult = 1024ull * 1024 * 1024;
    if (mult > 1)
        end++;
    if (arg[0] < '0' || arg[0] > '9' || *end || errno || v == 0 || v > (1ull << 40) / mult) {
        usage_error(NULL, "invalid size '%s' for %s (expected bytes, optionally with K, M or G, "
                          "from 1 to 1024G)", arg, option);
        return 0;
    }
    *out = v * mult;
    return 1;
}

/* The option getopt_long just rejected, for the message (without any "=value": it may be a secret). */
static void bad_option(const char *cmd, char **argv, int c)
{
    const char *arg = argv[optind - 1];
    int len = (int)strcspn(arg, "=");

    /* getopt_long sets optopt to the letter of a bad short option; a long option's error leaves 0
     * or the option's value (>= 256, or a valid letter for --help=x and --verbose=x). */
    if (optopt > 0 && optopt < 256 && !strchr("hv", optopt))
        usage_error(cmd, c == ':' ? "option '-%c' needs an argument" : "invalid option '-%c'", optopt);
    else
        usage_error(cmd, c == ':' ? "option '%.*s' needs an argument" : "invalid option '%.*s'", len, arg);
}

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
           : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Read FILE, or standard input for "-", into *out (NUL-terminated). FILE must be a regular file of at
 * most max_payload bytes, checked before anything is read (a FIFO is opened without waiting for a
 * writer); standard input may be a pipe, read up to max_payload bytes. Returns CONTINUE or an exit
 * status. */
static int read_input(const char *path, char **out)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "standard input" : path;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    size_t len = 0, cap = 4096;
    char *buf = NULL, *grown;
    struct stat st;
    ssize_t n;
    int err = 0, ex = CONTINUE;

    if (fd < 0) {
        err = errno;
        fprintf(stderr, "devconf: cannot open %s: %s\n", path, strerror(err));
        return err == ENOENT ? EXIT_NOTFOUND : EXIT_GENERIC;
    }
    if (fstat(fd, &st) != 0) {
        err = errno;
        fprintf(stderr, "devconf: cannot read %s: %s\n", name, strerror(err));
        ex = EXIT_GENERIC;
        goto out;
    }
    if (!is_stdin && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "devconf: %s is %s, not a regular file: give a file, or '-' for standard input\n", path,
                file_kind(st.st_mode));
        ex = EXIT_USAGE;
        goto out;
    }
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max_payload) {
        fprintf(stderr, "devconf: %s is %lld bytes, more than the payload limit of %llu bytes (--max-payload)\n",
                name, (long long)st.st_size, max_payload);
        ex = EXIT_USAGE;
        goto out;
    }
    if (!is_stdin)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    for (;;) {
        if (!buf || len + 1 >= cap) {
            if (buf)
                cap *= 2;
            if (!(grown = realloc(buf, cap))) {
                err = ENOMEM;
                break;
            }
            buf = grown;
        }
        n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno;
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max_payload) {
            fprintf(stderr, "devconf: %s holds more than the payload limit of %llu bytes (--max-payload)\n", name,
                    max_payload);
            ex = EXIT_USAGE;
            goto out;
        }
    }
    if (err) {
        fprintf(stderr, "devconf: cannot read %s: %s\n", name, strerror(err));
        ex = EXIT_GENERIC;
        goto out;
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        fprintf(stderr, "devconf: %s contains a NUL byte; expected XML or JSON text\n", name);
        ex = EXIT_YANG;
        goto out;
    }
    *out = buf;
    buf = NULL;
out:
    if (!is_stdin)
        close(fd);
    free(buf);
    return ex;
}

/* ---- terminal prompts ------------------------------------------------------------------------ */

static struct termios saved_tio;
static volatile sig_atomic_t restore_fd = -1;
static const int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

/* A signal during a no-echo prompt: give the terminal its echo back, then die of the signal. */
static void restore_tty_and_reraise(int sig)
{
    if (restore_fd >= 0)
        tcsetattr(restore_fd, TCSAFLUSH, &saved_tio);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Writes a prompt (text from the device among it: keyboard-interactive names, instructions and
 * prompts) to the terminal, escaped as put_escaped() does, newlines kept. */
static void write_clean(int fd, const char *s)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);

    if (!f)
        return;
    put_escaped(f, s, SHOW_DATA);
    if (fclose(f) == 0 && size && write(fd, text, size) < 0)
        size = 0;
    free(text);
}

/* Ask a question on /dev/tty; the answer goes to buf (NUL-terminated). Returns 0, or -1 without a
 * terminal, at end of input or when the answer does not fit. */
static int tty_prompt(const char *prompt, int echo, char *buf, size_t size)
{
    struct sigaction sa, old[sizeof prompt_signals / sizeof prompt_signals[0]];
    struct termios tio;
    size_t i, len = 0;
    int fd, hidden = 0, too_long = 0, rc = -1;
    ssize_t n;
    char c;

    if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
        return -1;
    if (!echo && tcgetattr(fd, &saved_tio) == 0) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = restore_tty_and_reraise;
        sigemptyset(&sa.sa_mask);
        for (i = 0; i < sizeof prompt_signals / sizeof prompt_signals[0]; i++)
            sigaction(prompt_signals[i], &sa, &old[i]);
        tio = saved_tio;
        tio.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
        restore_fd = fd;
        hidden = tcsetattr(fd, TCSAFLUSH, &tio) == 0;
    }
    write_clean(fd, prompt);
    for (;;) {
        n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (c == '\n' || c == '\r') {
            rc = 0;
            break;
        }
        if (len + 1 < size)
            buf[len++] = c;
        else
            too_long = 1;
    }
    buf[len] = '\0';
    if (hidden) {
        tcsetattr(fd, TCSAFLUSH, &saved_tio);
        write_clean(fd, "\n"); /* the newline the user typed was not echoed */
    }
    if (restore_fd >= 0) {
        restore_fd = -1;
        for (i = 0; i < sizeof prompt_signals / sizeof prompt_signals[0]; i++)
            sigaction(prompt_signals[i], &old[i], NULL);
    }
    close(fd);
    explicit_bzero(&c, sizeof c);
    if (rc != 0 || too_long) {
        explicit_bzero(buf, size);
        return -1;
    }
    return 0;
}

/* Keyboard-interactive authentication answered on the terminal. */
static int kbdint_from_tty(const char *name, const char *instruction, const char *prompt, int echo, char *answer,
                           size_t answer_size, void *payload)
{
    char text[1024];

    (void)payload;
    snprintf(text, sizeof text, "%s%s%s%s%s", name && *name ? name : "", name && *name ? "\n" : "",
             instruction && *instruction ? instruction : "", instruction && *instruction ? "\n" : "",
             prompt ? prompt : "Password: ");
    return tty_prompt(text, echo, answer, answer_size);
}

/* ---- sub-commands ---------------------------------------------------------------------------- */

#define O_HELP {"help", no_argument, NULL, 'h'}
#define O_END {NULL, 0, NULL, 0}
#define O_SOURCE {"source", required_argument, NULL, OPT_SOURCE}
#define O_TARGET {"target", required_argument, NULL, OPT_TARGET}
#define O_FILTERS                                                                                      \
    {"filter", required_argument, NULL, OPT_FILTER}, {"xpath", required_argument, NULL, OPT_XPATH},    \
        {"subtree", required_argument, NULL, OPT_SUBTREE},                                             \
        {"with-defaults", required_argument, NULL, OPT_WITH_DEFAULTS},                                 \
        {"device-text", no_argument, NULL, OPT_DEVICE_TEXT}

static const struct option opts_none[] = {O_HELP, O_END};
static const struct option opts_get[] = {O_HELP, O_FILTERS, O_END};
static const struct option opts_get_config[] = {O_HELP, O_SOURCE, O_FILTERS, O_END};
static const struct option opts_source[] = {O_HELP, O_SOURCE, O_END};
static const struct option opts_target[] = {O_HELP, O_TARGET, O_END};
static const struct option opts_get_data[] = {
    O_HELP,
    {"datastore", required_argument, NULL, OPT_DATASTORE},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"xpath", required_argument, NULL, OPT_XPATH},
    {"subtree", required_argument, NULL, OPT_SUBTREE},
    {"config-only", no_argument, NULL, OPT_CONFIG_ONLY},
    {"nonconfig-only", no_argument, NULL, OPT_NONCONFIG_ONLY},
    {"origin", required_argument, NULL, OPT_ORIGIN},
    {"negate-origin", no_argument, NULL, OPT_NEGATE_ORIGIN},
    {"with-origin", no_argument, NULL, OPT_WITH_ORIGIN},
    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
    {"with-defaults", required_argument, NULL, OPT_WITH_DEFAULTS},
    O_END};
static const struct option opts_edit_data[] = {
    O_HELP,
    {"datastore", required_argument, NULL, OPT_DATASTORE},
    {"default-operation", required_argument, NULL, OPT_DEFAULT_OPERATION},
    O_END};
static const struct option opts_copy[] = {O_HELP, O_SOURCE, O_TARGET, O_END};
static const struct option opts_edit[] = {
    O_HELP, O_TARGET,
    {"default-operation", required_argument, NULL, OPT_DEFAULT_OPERATION},
    {"test-option", required_argument, NULL, OPT_TEST_OPTION},
    {"error-option", required_argument, NULL, OPT_ERROR_OPTION},
    {"commit", no_argument, NULL, OPT_COMMIT},
    O_END};
static const struct option opts_commit[] = {
    O_HELP,
    {"confirmed", no_argument, NULL, OPT_CONFIRMED},
    {"confirm-timeout", required_argument, NULL, OPT_CONFIRM_TIMEOUT},
    {"persist", required_argument, NULL, OPT_PERSIST},
    {"persist-id", required_argument, NULL, OPT_PERSIST_ID},
    O_END};
static const struct option opts_cancel[] = {O_HELP, {"persist-id", required_argument, NULL, OPT_PERSIST_ID}, O_END};
static const struct option opts_diff[] = {
    O_HELP, O_TARGET,
    {"default-operation", required_argument, NULL, OPT_DEFAULT_OPERATION},
    {"edit", no_argument, NULL, OPT_AS_EDIT},
    O_END};
static const struct option opts_apply[] = {
    {"all-or-nothing", no_argument, NULL, OPT_ALL_OR_NOTHING},
    {"weak", no_argument, NULL, OPT_WEAK},
    O_HELP,
    {"replace", no_argument, NULL, OPT_REPLACE},
    {"confirm", required_argument, NULL, OPT_CONFIRM},
    {"wait", no_argument, NULL, OPT_WAIT},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    O_END};
static const struct option opts_subscribe[] = {
    O_HELP,
    {"stream", required_argument, NULL, OPT_STREAM},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"count", required_argument, NULL, OPT_COUNT},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"start-time", required_argument, NULL, OPT_START_TIME},
    {"format", required_argument, NULL, OPT_FORMAT},
    O_END};
static const struct option opts_schema[] = {
    O_HELP,
    {"version", required_argument, NULL, OPT_REVISION},
    {"schema-format", required_argument, NULL, OPT_SCHEMA_FORMAT},
    O_END};

/* Default datastore to validate and edit: the candidate when the device has one. */
static devconf_datastore default_config_ds(devconf_session *s)
{
    return devconf_session_has_capability(s, "candidate") ? DEVCONF_DS_CANDIDATE : DEVCONF_DS_RUNNING;
}

static int check_read(const struct command *cmd, struct cmd_args *a)
{
    if (a->n_filters > 1)
        return usage_error(cmd->name, "use only one of --filter, --xpath and --subtree");
    if (a->subtree_file) {
        int ex = read_input(a->subtree_file, &a->payload);
        if (ex != CONTINUE)
            return ex;
        a->filter = a->payload;
        a->filter_type = DEVCONF_FILTER_SUBTREE;
    }
    return CONTINUE;
}

static int run_get(devconf_session *s, struct cmd_args *a)
{
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    char *out = NULL;
    int rc;

    ro.filter_type = a->filter_type;
    ro.with_defaults = a->with_defaults;
    ro.format = a->format;
    ro.device_text = a->device_text;
    rc = devconf_get(&out, s, a->filter, &ro);
    if (rc == 0)
        emit(out);
    return rc;
}

static int run_get_config(devconf_session *s, struct cmd_args *a)
{
    devconf_read_options ro = DEVCONF_READ_OPTIONS_INIT;
    char *out = NULL;
    int rc;

    ro.filter_type = a->filter_type;
    ro.with_defaults = a->with_defaults;
    ro.format = a->format;
    ro.device_text = a->device_text;
    rc = devconf_get_config(&out, s, a->source ? a->source : DEVCONF_DS_RUNNING, a->filter, &ro);
    if (rc == 0)
        emit(out);
    return rc;
}

static int check_payload(const struct command *cmd, struct cmd_args *a);

static int check_get_data(const struct command *cmd, struct cmd_args *a)
{
    if (a->config_filter == (devconf_config_filter)(DEVCONF_CONFIG_FILTER_CONFIG | DEVCONF_CONFIG_FILTER_NONCONFIG))
        return usage_error(cmd->name, "use only one of --config-only and --nonconfig-only");
    if (a->negate_origin && !a->n_origins)
        return usage_error(cmd->name, "--negate-origin needs at least one --origin");
    return check_read(cmd, a);
}

static int run_get_data(devconf_session *s, struct cmd_args *a)
{
    devconf_get_data_options o = DEVCONF_GET_DATA_OPTIONS_INIT;
    char *out = NULL;
    int rc;

    o.filter_type = a->filter_type;
    o.config_filter = a->config_filter;
    o.origins = a->n_origins ? a->origins : NULL;
    o.origin_count = a->n_origins;
    o.negate_origins = a->negate_origin;
    o.with_origin = a->with_origin;
    o.max_depth = a->max_depth;
    o.with_defaults = a->with_defaults;
    o.format = a->format;
    rc = devconf_get_data(&out, s, a->datastore ? a->datastore : DEVCONF_DS_OPERATIONAL, a->filter, &o);
    if (rc == 0)
        emit(out);
    return rc;
}

static int check_edit_data(const struct command *cmd, struct cmd_args *a)
{
    if (a->datastore == DEVCONF_DS_INTENDED || a->datastore == DEVCONF_DS_OPERATIONAL)
        return usage_error(cmd->name, "--datastore must be running, candidate or startup (%s is read-only)",
                           devconf_datastore_name(a->datastore));
    return check_payload(cmd, a);
}

static int run_edit_data(devconf_session *s, struct cmd_args *a)
{
    return devconf_edit_data(s, a->datastore ? a->datastore : default_config_ds(s), a->payload, &a->edit);
}

/* Commands whose single positional argument FILE|- is the payload. */
static int check_payload(const struct command *cmd, struct cmd_args *a)
{
    (void)cmd;
    return a->n_pos ? read_input(a->pos[0], &a->payload) : CONTINUE;
}

static int check_edit_config(const struct command *cmd, struct cmd_args *a)
{
    if (a->target == DEVCONF_DS_STARTUP)
        return usage_error(cmd->name, "--target must be candidate or running");
    if (a->commit && a->target == DEVCONF_DS_RUNNING)
        return usage_error(cmd->name, "--commit needs the candidate: it cannot be used with --target running");
    return check_payload(cmd, a);
}

static int run_edit_config(devconf_session *s, struct cmd_args *a)
{
    devconf_datastore target = a->target ? a->target : default_config_ds(s);
    int rc = devconf_edit_config(s, target, a->payload, &a->edit);

    if (rc == 0 && a->commit && target == DEVCONF_DS_CANDIDATE)
        rc = devconf_commit(s, NULL);
    if (rc == DEVCONF_ERPC && a->commit && target == DEVCONF_DS_CANDIDATE) {
        /* Do not leave a rejected edit in the shared candidate for the next commit to pick up. */
        keep_error();
        if (devconf_discard_changes(s, NULL) != 0)
            note("warning: could not discard the candidate's uncommitted changes");
    }
    return rc;
}

/* The persist id of `apply --confirm`, which `confirm` confirms from a later session. */
#define APPLY_PERSIST_ID "devconf-apply"

static int run_diff(devconf_session *s, struct cmd_args *a)
{
    devconf_datastore target = a->target ? a->target : DEVCONF_DS_RUNNING;
    devconf_diff_format f = !a->as_edit ? DEVCONF_DIFF_UNIFIED
                            : a->format == DEVCONF_FORMAT_JSON ? DEVCONF_DIFF_EDIT_JSON : DEVCONF_DIFF_EDIT_XML;
    char *out = NULL;
    int rc = devconf_diff(&out, s, target, a->payload, &a->edit, f);
    if (rc == 0)
        emit(out);
    return rc;
}

static int64_t mono_ms(void);

/* apply --confirm on RESTCONF: the device has no confirmed commit, the session keeps it and its
 * revert timer lives in this process, so the process stays and waits for the answer here: a line
 * 'confirm' (or 'yes') keeps the change, any other line reverts it now, the timeout reverts it.
 * On a terminal it asks; with --wait it reads standard input without asking, and its end waits for
 * the timeout. */
static int confirm_restconf(devconf_session *s, struct cmd_args *a)
{
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.confirmed = 1;
    co.confirm_timeout = a->confirm_s;
    int rc = devconf_commit(s, &co), tty = isatty(STDIN_FILENO), eof = 0, got = 0;
    char line[128];
    size_t len = 0;
    if (rc != 0)
        return rc;
    note("committed; RESTCONF has no confirmed commit on the device: THIS PROCESS reverts it in %u s unless "
         "confirmed here (if it dies or loses the device first, nothing reverts it)", (unsigned)a->confirm_s);
    if (tty)
        fprintf(stderr, "Type 'confirm' within %u s to keep it (anything else reverts it now): ", (unsigned)a->confirm_s);
    else
        note("waiting: a line 'confirm' on standard input keeps it, any other line reverts it now");
    int64_t end = mono_ms() + (int64_t)a->confirm_s * 1000;
    while (!got && mono_ms() < end) {
        int left = (int)(end - mono_ms() > 60000 ? 60000 : end - mono_ms());
        struct pollfd p = {STDIN_FILENO, POLLIN, 0};
        ssize_t k;
        if (eof || poll(&p, 1, left) <= 0) {
            if (eof)
                poll(NULL, 0, left);
            continue;
        }
        k = read(STDIN_FILENO, line + len, sizeof line - 1 - len);
        if (k <= 0) {
            eof = 1;
            got = tty || len > 0; /* Ctrl-D on a terminal is an answer: no */
            continue;
        }
        len += (size_t)k;
        line[len] = '\0';
        got = strchr(line, '\n') || len == sizeof line - 1;
    }
    line[strcspn(line, "\r\n")] = '\0';
    if (got && (!strcmp(line, "confirm") || !strcmp(line, "yes") || !strcmp(line, "y"))) {
        if ((rc = devconf_commit(s, NULL)) == 0)
            note("confirmed");
        return rc;
    }
    /* declined, or the time is up (the session's timer may have reverted it already) */
    if ((rc = devconf_cancel_commit(s, NULL, NULL)) != 0)
        return rc;
    note(got ? "reverted" : "not confirmed within %u s: reverted", (unsigned)a->confirm_s);
    return got ? DEVCONF_ECANCELED : DEVCONF_ETIMEOUT;
}

/* A whole transaction: lock, load, diff (printed), commit, unlock. */
static int run_apply(devconf_session *s, struct cmd_args *a)
{
    devconf_txn *t = NULL;
    char *d = NULL;
    int restconf = devconf_session_protocol(s) == DEVCONF_PROTO_RESTCONF, rc;
    if (a->confirm_s && restconf && !a->dry_run &&
        (tl_capture || (!a->wait && !isatty(STDIN_FILENO)) || (a->n_pos && !strcmp(a->pos[0], "-")))) {
        /* before anything changes */
        fprintf(stderr, "devconf: apply --confirm on RESTCONF: the revert timer lives in this process, which waits "
                        "for the confirmation on standard input: %s\n",
                tl_capture ? "not across an inventory" : a->wait || isatty(STDIN_FILENO) ? "give FILE, not -"
                                                                            : "run it on a terminal, or add --wait");
        return DEVCONF_EINVAL;
    }
    rc = devconf_txn_begin(&t, s);
    if (rc != 0)
        return rc;
    if (*devconf_txn_missing(t))
        note("note: %s", devconf_txn_missing(t));
    if (a->dry_run) {
        devconf_edit_options eo = DEVCONF_EDIT_OPTIONS_INIT;
        eo.default_operation = a->replace ? DEVCONF_EDIT_REPLACE : DEVCONF_EDIT_MERGE;
        rc = devconf_dry_run(s, DEVCONF_DS_RUNNING, a->payload, &eo);
        if (rc == 0)
            rc = devconf_diff(&d, s, DEVCONF_DS_RUNNING, a->payload, &eo, DEVCONF_DIFF_UNIFIED);
        if (rc == 0) {
            emit(d); /* frees d */
            d = NULL;
            note("dry run: valid; nothing was changed");
        }
        goto out;
    }
    rc = devconf_txn_load(t, a->payload, a->replace ? DEVCONF_LOAD_REPLACE : DEVCONF_LOAD_MERGE);
    if (rc == 0)
        rc = devconf_txn_diff(&d, t, DEVCONF_DIFF_UNIFIED);
    if (rc != 0)
        goto out;
    if (!*d) {
        note("nothing to change");
        goto out;
    }
    emit(d); /* frees d */
    d = NULL;
    if (a->confirm_s && restconf) {
        rc = confirm_restconf(s, a);
    } else if (a->confirm_s) {
        /* persisted, so that it outlives this command: `devconf URI confirm` keeps it */
        devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
        co.confirmed = 1;
        co.confirm_timeout = a->confirm_s;
        co.persist = APPLY_PERSIST_ID;
        rc = devconf_commit(s, &co);
        if (rc == 0)
            note("committed; the device reverts it in %u s unless 'devconf URI confirm' follows",
                 (unsigned)a->confirm_s);
    } else {
        rc = devconf_txn_commit(t, NULL);
    }
out:
    if (rc != 0)
        keep_error();
    devconf_free(d);
    devconf_txn_free(t);
    return rc;
}

static int run_confirm(devconf_session *s, struct cmd_args *a)
{
    devconf_commit_options co = DEVCONF_COMMIT_OPTIONS_INIT;
    co.persist_id = a->commit_opts.persist_id ? a->commit_opts.persist_id : APPLY_PERSIST_ID;
    return devconf_commit(s, &co);
}

static int run_convert(devconf_session *s, struct cmd_args *a)
{
    char *out = NULL;
    int rc = devconf_convert(&out, s, a->payload,
                             a->format == DEVCONF_FORMAT_JSON || a->format == DEVCONF_FORMAT_XML
                                 ? a->format
                                 : (*a->payload == '<' ? DEVCONF_FORMAT_JSON : DEVCONF_FORMAT_XML));
    if (rc == 0)
        emit(out);
    return rc;
}

static int check_commit(const struct command *cmd, struct cmd_args *a)
{
    (void)cmd;
    if (a->commit_opts.confirm_timeout || a->commit_opts.persist)
        a->commit_opts.confirmed = 1;
    if (a->commit_opts.confirmed && !a->commit_opts.persist && !a->commit_opts.persist_id)
        fputs("devconf: warning: without --persist, the device reverts a confirmed commit as soon as this "
              "command's session closes\n",
              stderr);
    return CONTINUE;
}

static int run_commit(devconf_session *s, struct cmd_args *a)
{
    return devconf_commit(s, &a->commit_opts);
}

static int run_cancel_commit(devconf_session *s, struct cmd_args *a)
{
    return devconf_cancel_commit(s, a->commit_opts.persist_id, NULL);
}

static int run_discard(devconf_session *s, struct cmd_args *a)
{
    (void)a;
    return devconf_discard_changes(s, NULL);
}

static int run_lock(devconf_session *s, struct cmd_args *a)
{
    return devconf_lock(s, a->target ? a->target : DEVCONF_DS_RUNNING, NULL);
}

static int run_unlock(devconf_session *s, struct cmd_args *a)
{
    return devconf_unlock(s, a->target ? a->target : DEVCONF_DS_RUNNING, NULL);
}

static int check_validate(const struct command *cmd, struct cmd_args *a)
{
    if (a->source && a->n_pos)
        return usage_error(cmd->name, "give either --source or FILE, not both");
    return check_payload(cmd, a);
}

static int run_validate(devconf_session *s, struct cmd_args *a)
{
    if (a->payload)
        return devconf_validate(s, DEVCONF_DS_CONFIG, a->payload, NULL);
    return devconf_validate(s, a->source ? a->source : default_config_ds(s), NULL, NULL);
}

static int check_copy_config(const struct command *cmd, struct cmd_args *a)
{
    if (!a->target)
        return usage_error(cmd->name, "--target is required");
    if (!a->source == !a->n_pos)
        return usage_error(cmd->name, "give exactly one of --source and FILE");
    return check_payload(cmd, a);
}

static int run_copy_config(devconf_session *s, struct cmd_args *a)
{
    if (a->payload)
        return devconf_copy_config(s, a->target, DEVCONF_DS_CONFIG, a->payload, NULL);
    return devconf_copy_config(s, a->target, a->source, NULL, NULL);
}

static int check_delete_config(const struct command *cmd, struct cmd_args *a)
{
    if (!a->target)
        return usage_error(cmd->name, "--target is required");
    if (a->target == DEVCONF_DS_RUNNING)
        return usage_error(cmd->name, "the running datastore cannot be deleted");
    return CONTINUE;
}

static int run_delete_config(devconf_session *s, struct cmd_args *a)
{
    return devconf_delete_config(s, a->target, NULL);
}

static int run_get_schema(devconf_session *s, struct cmd_args *a)
{
    char *out = NULL;
    int rc = devconf_get_schema(&out, s, a->pos[0], a->revision, a->schema_format, NULL);

    if (rc == 0)
        emit(out);
    return rc;
}

static int run_rpc(devconf_session *s, struct cmd_args *a)
{
    char *out = NULL;
    devconf_rpc_options ro = DEVCONF_RPC_OPTIONS_INIT;
    ro.format = a->format;
    int rc = devconf_rpc(&out, s, a->payload, &ro);

    if (rc == 0)
        emit(out);
    return rc;
}

static int check_kill_session(const struct command *cmd, struct cmd_args *a)
{
    unsigned long id;

    if (!parse_uint(cmd->name, "session id", a->pos[0], 1, UINT32_MAX, &id))
        return EXIT_USAGE;
    a->session_id = (uint32_t)id;
    return CONTINUE;
}

static int run_kill_session(devconf_session *s, struct cmd_args *a)
{
    return devconf_kill_session(s, a->session_id, NULL);
}

static int run_capabilities(devconf_session *s, struct cmd_args *a)
{
    size_t i, n = devconf_session_capability_count(s);
    const char *cap;

    if (a->format == DEVCONF_FORMAT_JSON) {
        printf("{\"session-id\": %" PRIu32 ", \"capabilities\": [", devconf_session_id(s));
        for (i = 0; i < n; i++) {
            if ((cap = devconf_session_capability(s, i))) {
                fputs(i ? ", " : "", stdout);
                put_json_string(stdout, cap);
            }
        }
        fputs("]}\n", stdout);
        return 0;
    }
    printf("session-id: %" PRIu32 "\n", devconf_session_id(s));
    for (i = 0; i < n; i++) {
        if ((cap = devconf_session_capability(s, i))) {
            put_clean(stdout, cap, 0);
            fputc('\n', stdout);
        }
    }
    return 0;
}

/* ---- Ctrl-C: subscribe, --call-home and fleet runs end cleanly ------------------------------ */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int cancel_on_interrupt(void *payload)
{
    (void)payload;
    return interrupted;
}

/* ---- subscribe ------------------------------------------------------------------------------- */

static int two_digits(const char *p)
{
    return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' ? (p[0] - '0') * 10 + (p[1] - '0') : -1;
}

/* An RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)) as seconds since the
 * epoch (the fraction is ignored). Returns 1, or 0 when s is not one. */
static int parse_rfc3339(const char *s, int64_t *out)
{
    struct tm tm;
    int y0 = two_digits(s), y1 = two_digits(s + 2), mon, day, hh, mm, ss, off = 0;
    const char *p;

    memset(&tm, 0, sizeof tm);
    if (strlen(s) < 20 || y0 < 0 || y1 < 0 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return 0;
    mon = two_digits(s + 5), day = two_digits(s + 8), hh = two_digits(s + 11), mm = two_digits(s + 14),
    ss = two_digits(s + 17);
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
        return 0;
    p = s + 19;
    if (*p == '.') {
        if (p[1] < '0' || p[1] > '9')
            return 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    }
    if ((*p == 'Z' || *p == 'z') && !p[1]) {
        off = 0;
    } else if ((*p == '+' || *p == '-') && two_digits(p + 1) >= 0 && two_digits(p + 1) <= 23 && p[3] == ':' &&
               two_digits(p + 4) >= 0 && two_digits(p + 4) <= 59 && !p[6]) {
        off = (two_digits(p + 1) * 60 + two_digits(p + 4)) * 60 * (*p == '-' ? -1 : 1);
    } else {
        return 0;
    }
    tm.tm_year = y0 * 100 + y1 - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    *out = (int64_t)timegm(&tm) - off;
    return 1;
}

/* A duration: digits, optionally followed by s, m or h (seconds when there is no unit). */
static int parse_duration(const char *s, int64_t *out)
{
    char *end;
    unsigned long long v;
    int64_t mult = 1;

    if (*s < '0' || *s > '9')
        return 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*end == 's')
        end++;
    else if (*end == 'm')
        mult = 60, end++;
    else if (*end == 'h')
        mult = 3600, end++;
    if (*end || errno || v == 0 || v > (unsigned long long)INT32_MAX / (unsigned long long)mult)
        return 0;
    *out = (int64_t)v * mult;
    return 1;
}

static void format_rfc3339(char *buf, size_t size, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int check_subscribe(const struct command *cmd, struct cmd_args *a)
{
    int64_t start = 0, now = (int64_t)time(NULL);

    if (a->n_filters > 1)
        return usage_error(cmd->name, "give --filter only once");
    if (a->stream && (!*a->stream || strlen(a->stream) > 256))
        return usage_error(cmd->name, "invalid stream name (expected 1 to 256 characters)");
    if (a->start_time && !parse_rfc3339(a->start_time, &start))
        return usage_error(cmd->name, "invalid --start-time '%s' (expected an RFC 3339 date-time such as "
                                      "2026-01-31T12:00:00Z)", a->start_time);
    if (a->until) {
        if (parse_rfc3339(a->until, &a->until_s)) {
            a->until_abs = 1;
        } else if (!parse_duration(a->until, &a->until_s)) {
            return usage_error(cmd->name, "invalid --until '%s' (expected an RFC 3339 date-time such as "
                                          "2026-01-31T12:00:00Z, or a duration: SECONDS, or a number with s, m or h)",
                               a->until);
        }
        if (a->start_time) {
            int64_t stop = a->until_abs ? a->until_s : now + a->until_s;
            if (stop <= start)
                return usage_error(cmd->name, "--until must be later than --start-time");
            format_rfc3339(a->stop_time, sizeof a->stop_time, stop);
        } else if (a->until_abs && a->until_s <= now) {
            return usage_error(cmd->name, "--until %s has passed already", a->until);
        }
    }
    return CONTINUE;
}

/* Writes text from the device to stdout: escaped on a terminal, as it is to a pipe or a file. */
static void put_data(const char *s)
{
    static int tty = -1;
    if (tty < 0)
        tty = isatty(STDOUT_FILENO);
    if (tty)
        put_escaped(stdout, s, SHOW_DATA);
    else
        fputs(s, stdout);
}

/* XML text with &, < and > escaped (for the event time, which is device text). */
static void put_xml_text(const char *s)
{
    char one[2] = {0, 0};
    for (; *s; s++) {
        if (*s == '&')
            fputs("&amp;", stdout);
        else if (*s == '<')
            fputs("&lt;", stdout);
        else if (*s == '>')
            fputs("&gt;", stdout);
        else {
            one[0] = *s;
            put_data(one);
        }
    }
}

/* RFC 7951 JSON from the library on one line: whitespace between tokens dropped, strings kept. */
static void put_json_compact(const char *s)
{
    int in_str = 0, esc = 0;
    char one[2] = {0, 0};

    for (; *s; s++) {
        if (in_str) {
            if (esc)
                esc = 0;
            else if (*s == '\\')
                esc = 1;
            else if (*s == '"')
                in_str = 0;
        } else if (*s == '"') {
            in_str = 1;
        } else if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
            continue;
        }
        if ((unsigned char)*s < 0x20) { /* raw control characters inside a string are escaped */
            fprintf(stdout, "\\u%04x", (unsigned)(unsigned char)*s);
            continue;
        }
        one[0] = *s;
        put_data(one);
    }
}

/* One record. JSON: {"event_time":...,"name":...,"data":{...}} on one line. XML: the notification
 * as the device gave it, in its RFC 5277 envelope with the eventTime, followed by a line ]]>]]>
 * (the record never holds ']]>': it is written ']]&gt;', the same XML). */
static void print_notification(const devconf_notification *n, devconf_format f)
{
    const char *t = devconf_notification_event_time(n), *name = devconf_notification_name(n);
    const char *text = devconf_notification_text(n), *p;

    if (f == DEVCONF_FORMAT_JSON) {
        fputs("{\"event_time\":", stdout);
        if (t)
            put_json_string(stdout, t);
        else
            fputs("null", stdout);
        fputs(",\"name\":", stdout);
        if (name)
            put_json_string(stdout, name);
        else
            fputs("null", stdout);
        fputs(",\"data\":", stdout);
        if (text && *text)
            put_json_compact(text);
        else
            fputs("null", stdout);
        fputs("}\n", stdout);
    } else {
        fputs("<notification xmlns=\"urn:ietf:params:xml:ns:netconf:notification:1.0\">\n  <eventTime>", stdout);
        put_xml_text(t ? t : "");
        fputs("</eventTime>\n", stdout);
        for (p = text ? text : ""; *p;) {
            const char *q = strstr(p, "]]>");
            size_t len = q ? (size_t)(q - p) : strlen(p);
            char *chunk = strndup(p, len);
            if (chunk)
                put_data(chunk);
            free(chunk);
            if (!q)
                break;
            fputs("]]&gt;", stdout);
            p = q + 3;
        }
        if (text && *text && text[strlen(text) - 1] != '\n')
            fputc('\n', stdout);
        fputs("</notification>\n]]>]]>\n", stdout);
    }
    fflush(stdout);
}

/* subscribe: one record per notification until --count, --until, the end of the subscription or a
 * signal (SIGINT, SIGTERM: a clean end, exit status 0). */
static int run_subscribe(devconf_session *s, struct cmd_args *a)
{
    devconf_subscribe_options o = DEVCONF_SUBSCRIBE_OPTIONS_INIT;
    devconf_subscription *sub = NULL;
    devconf_format f = a->sub_format ? a->sub_format : a->format == DEVCONF_FORMAT_JSON ? DEVCONF_FORMAT_JSON
                                                                                          : DEVCONF_FORMAT_XML;
    struct sigaction sa;
    unsigned long printed = 0;
    int64_t deadline = 0;
    int rc;

    if (tl_capture)
        return DEVCONF_EINVAL; /* refused in run_fleet */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    o.stream = a->stream;
    o.filter = a->filter;
    o.filter_type = a->filter_type;
    o.start_time = a->start_time;
    o.stop_time = a->start_time && a->until ? a->stop_time : NULL;
    o.format = f;
    o.cancel_cb = cancel_on_interrupt;
    if ((rc = devconf_subscribe(&sub, s, &o)) != 0)
        return interrupted && rc == DEVCONF_ECANCELED ? 0 : rc;
    if (a->verbose)
        note("subscribed to the %s stream; waiting for notifications", a->stream ? a->stream : "device's default");
    if (a->until && !a->start_time)
        deadline = a->until_abs ? mono_ms() + (a->until_s - (int64_t)time(NULL)) * 1000
                                : mono_ms() + a->until_s * 1000;
    while (!interrupted && (!a->count || printed < a->count)) {
        devconf_notification *n = NULL;
        int slice = 250;
        if (deadline) {
            int64_t left = deadline - mono_ms();
            if (left <= 0)
                break;
            if (left < slice)
                slice = (int)left;
        }
        rc = devconf_subscription_next(&n, sub, slice);
        if (rc == DEVCONF_ETIMEOUT) {
            rc = 0;
            continue;
        }
        if (rc != 0)
            break;
        if (!n) {
            note("the subscription ended (its stop time passed)");
            break;
        }
        if (devconf_notification_dropped_before(n))
            note("%" PRIu64 " notifications dropped just before this one (the queue was full)",
                 devconf_notification_dropped_before(n));
        print_notification(n, f);
        devconf_notification_free(n);
        printed++;
    }
    if (rc != 0)
        keep_error();
    if (devconf_subscription_dropped(sub))
        note("%" PRIu64 " of %" PRIu64 " notifications received were dropped (the queue was full)",
             devconf_subscription_dropped(sub), devconf_subscription_received(sub));
    devconf_subscription_free(sub);
    return rc;
}

#define HELP_FILTERS                                                                                   \
    "  --filter F            subtree filter when F starts with '<', else an XPath expression\n"       \
    "  --xpath X             XPath filter (needs the :xpath capability)\n"                              \
    "  --subtree FILE        subtree filter read from FILE ('-': standard input)\n"                   \
    "  --with-defaults MODE  report-all, report-all-tagged, trim or explicit (RFC 6243)\n"           \
    "  --device-text         print the data as the device sent it (XML; NETCONF: the reply is not\n"  \
    "                        parsed, which is much faster on a large datastore)\n"
#define HELP_PAYLOAD                                                                                   \
    "FILE holds XML or RFC 7951 JSON (detected from its first character); '-' reads standard\n"       \
    "input. It is validated against the device's YANG schemas before anything is sent.\n"

static const struct command commands[] = {
    {"capabilities", opts_none, 0, 0, NULL, run_capabilities, "capabilities",
     "print the session id and the device's capabilities",
     "Prints the session id the device assigned, then each capability URI it announced, one per\n"
     "line (with --format json: one JSON object).\n"},
    {"get", opts_get, 0, 0, check_read, run_get,
     "get [--filter F | --xpath X | --subtree FILE] [--with-defaults MODE] [--device-text]",
     "retrieve configuration and state data (<get>)",
     "Prints configuration and state data, all of it or what the filter selects.\n\n" HELP_FILTERS},
    {"get-config", opts_get_config, 0, 0, check_read, run_get_config,
     "get-config [--source DS] [--filter F | --xpath X | --subtree FILE] [--with-defaults MODE] [--device-text]",
     "retrieve configuration from a datastore (<get-config>)",
     "Prints the configuration of a datastore, all of it or what the filter selects.\n\n"
     "  --source DS           running (default), candidate or startup\n" HELP_FILTERS},
    {"get-data", opts_get_data, 0, 0, check_get_data, run_get_data,
     "get-data [--datastore DS] [--filter F | --xpath X | --subtree FILE] [--config-only | --nonconfig-only] "
     "[--origin ID ...] [--negate-origin] [--with-origin] [--max-depth N] [--with-defaults MODE]",
     "read an NMDA datastore (<get-data>, RFC 8526)",
     "Prints the data of a datastore of the Network Management Datastore Architecture (RFC 8342),\n"
     "all of it or what the filter selects. Needs a device with NMDA (the module ietf-netconf-nmda).\n\n"
     "  --datastore DS        operational (default), intended, running, candidate or startup\n"
     "  --filter F            subtree filter when F starts with '<', else an XPath expression\n"
     "  --xpath X             XPath filter (needs the :xpath capability)\n"
     "  --subtree FILE        subtree filter read from FILE ('-': standard input)\n"
     "  --config-only         only configuration (config-filter true)\n"
     "  --nonconfig-only      only state data (config-filter false)\n"
     "  --origin ID           only data of this origin (intended, dynamic, system, learned, default,\n"
     "                        unknown, or MODULE:IDENTITY); repeatable; operational only\n"
     "  --negate-origin       leave the --origin origins out instead\n"
     "  --with-origin         print each node's origin (or:origin / ietf-origin:origin); operational only\n"
     "  --max-depth N         at most N levels of the data (1 to 65535)\n"
     "  --with-defaults MODE  report-all, report-all-tagged, trim or explicit (RFC 6243)\n"},
    {"edit-data", opts_edit_data, 1, 1, check_edit_data, run_edit_data,
     "edit-data [--datastore DS] [--default-operation OP] FILE|-",
     "change an NMDA datastore (<edit-data>, RFC 8526)",
     "Sends FILE as the content of <config> of an <edit-data>. " HELP_PAYLOAD "\n"
     "  --datastore DS           candidate, running or startup; default: candidate when the device\n"
     "                           has the :candidate capability, else running\n"
     "  --default-operation OP   merge (default), replace or none\n"},
    {"edit-config", opts_edit, 1, 1, check_edit_config, run_edit_config,
     "edit-config [--target DS] [--default-operation OP] [--test-option T] [--error-option E] [--commit] FILE|-",
     "change configuration (<edit-config>)",
     "Sends FILE as the content of <config>. " HELP_PAYLOAD "\n"
     "  --target DS              candidate or running; default: candidate when the device has the\n"
     "                           :candidate capability, else running\n"
     "  --default-operation OP   merge (default), replace or none\n"
     "  --test-option T          test-then-set, set or test-only (needs :validate)\n"
     "  --error-option E         stop-on-error, continue-on-error or rollback-on-error\n"
     "  --commit                 commit the candidate after the edit, in the same session; when the\n"
     "                           device rejects the edit or the commit, the candidate's uncommitted\n"
     "                           changes are discarded. Without :candidate the edit goes to running\n"
     "                           and needs no commit.\n"},
    {"diff", opts_diff, 1, 1, check_payload, run_diff,
     "diff [--target DS] [--default-operation OP] [--edit] FILE|-",
     "show what an edit would change; nothing is sent but reads",
     "Reads the datastore (running by default), applies FILE to it locally with edit-config\n"
     "semantics, and prints a unified diff of the configuration. " HELP_PAYLOAD "\n"
     "  --target DS              running (default) or candidate\n"
     "  --default-operation OP   merge (default), replace or none\n"
     "  --edit                   print the edit-config that expresses exactly the change instead\n"
     "                           (XML, or JSON with --format json)\n"},
    {"apply", opts_apply, 1, 1, check_payload, run_apply,
     "apply [--replace] [--confirm SECONDS [--wait]] [--dry-run] FILE|-",
     "a whole transaction: lock, load, diff, commit",
     "Locks the configuration (where the device has locks), loads FILE into the candidate, prints\n"
     "the diff against running, commits and unlocks. What the device cannot guarantee (locks,\n"
     "atomic commit, automatic revert) is said on stderr. " HELP_PAYLOAD "\n"
     "  --replace          each top-level subtree in FILE replaces the device's (default: merge)\n"
     "  --confirm SECONDS  confirmed commit: the device reverts it after SECONDS unless\n"
     "                     'devconf URI confirm' follows (needs :confirmed-commit 1.1). RESTCONF\n"
     "                     has none on the device: this process keeps it and waits, asking on a\n"
     "                     terminal ('confirm' keeps it, anything else or the timeout reverts it);\n"
     "                     if the process dies first, nothing reverts it\n"
     "  --wait             with --confirm on RESTCONF: read the answer from standard input\n"
     "                     without a terminal (its end: wait for the timeout, which reverts)\n"
     "  --dry-run          validate the result locally against the device's running configuration\n"
     "                     and schemas, print the diff, change nothing\n"},
    {"confirm", opts_cancel, 0, 0, NULL, run_confirm, "confirm [--persist-id ID]",
     "confirm the commit of 'apply --confirm' (or one started with --persist ID)",
     "Confirms a pending confirmed commit so that it stays; without --persist-id, the one that\n"
     "'apply --confirm' started.\n"},
    {"convert", opts_none, 1, 1, check_payload, run_convert, "convert FILE|-",
     "convert a payload between XML and JSON against the device's schemas",
     "Prints FILE converted to the other encoding (or to --format). Nothing is sent but what\n"
     "opening the session needs.\n"},
    {"commit", opts_commit, 0, 0, check_commit, run_commit,
     "commit [--confirmed] [--confirm-timeout SECONDS] [--persist ID] [--persist-id ID]",
     "commit the candidate to running (<commit>)",
     "Commits the candidate configuration to running.\n\n"
     "  --confirmed                confirmed commit: the device reverts it unless another commit\n"
     "                             confirms it in time (needs :confirmed-commit)\n"
     "  --confirm-timeout SECONDS  time before the revert (device default: 600); implies --confirmed\n"
     "  --persist ID               let the confirmed commit outlive this command's session, so that a\n"
     "                             later 'commit --persist-id ID' confirms it; implies --confirmed\n"
     "  --persist-id ID            confirm the confirmed commit started with --persist ID\n"},
    {"cancel-commit", opts_cancel, 0, 0, NULL, run_cancel_commit, "cancel-commit [--persist-id ID]",
     "cancel a confirmed commit, reverting it (<cancel-commit>)",
     "Cancels a confirmed commit and reverts running to its earlier configuration.\n\n"
     "  --persist-id ID  the commit's persist id; without it, only a commit started by this same\n"
     "                   session can be cancelled, which a one-shot command never has\n"},
    {"discard", opts_none, 0, 0, NULL, run_discard, "discard",
     "drop the candidate's uncommitted changes (<discard-changes>)",
     "Resets the candidate to the running configuration.\n"},
    {"lock", opts_target, 0, 0, NULL, run_lock, "lock [--target DS]", "lock a datastore (<lock>)",
     "Locks a datastore. The lock ends with the session, that is when this command exits, so this\n"
     "mostly tells whether the datastore can be locked right now.\n\n"
     "  --target DS  running (default), candidate or startup\n"},
    {"unlock", opts_target, 0, 0, NULL, run_unlock, "unlock [--target DS]", "unlock a datastore (<unlock>)",
     "Unlocks a datastore locked by this session.\n\n"
     "  --target DS  running (default), candidate or startup\n"},
    {"validate", opts_source, 0, 1, check_validate, run_validate, "validate [--source DS | FILE|-]",
     "validate a datastore or a configuration on the device (<validate>)",
     "Asks the device to validate a datastore, or the configuration in FILE (needs :validate).\n"
     "Prints nothing and exits with 0 when it is valid.\n\n"
     "  --source DS  running, candidate or startup; default: candidate when the device has it,\n"
     "               else running\n"},
    {"copy-config", opts_copy, 0, 1, check_copy_config, run_copy_config, "copy-config --target DS (--source DS | FILE|-)",
     "replace a whole datastore (<copy-config>)",
     "Replaces the configuration of the target datastore with a datastore's or with FILE.\n"
     HELP_PAYLOAD "\n"
     "  --target DS  running, candidate or startup\n"
     "  --source DS  running, candidate or startup\n"},
    {"delete-config", opts_target, 0, 0, check_delete_config, run_delete_config, "delete-config --target DS",
     "delete a datastore (<delete-config>)",
     "Deletes a configuration datastore.\n\n"
     "  --target DS  startup (or candidate where the device allows it); running cannot be deleted\n"},
    {"get-schema", opts_schema, 1, 1, NULL, run_get_schema,
     "get-schema IDENTIFIER [--version REV] [--schema-format yang|yin]",
     "download a YANG module from the device (<get-schema>)",
     "Prints the module or submodule IDENTIFIER as the device has it (RFC 6022).\n\n"
     "  --version REV           revision, such as 2018-02-20 (default: the device's choice)\n"
     "  --schema-format FORMAT  yang (default) or yin\n"},
    {"rpc", opts_none, 1, 1, check_payload, run_rpc, "rpc FILE|-", "send any RPC or action and print its output",
     "Sends the RPC or YANG 1.1 action in FILE and prints its output (nothing for <ok/>), in the\n"
     "encoding of FILE unless --format is given. " HELP_PAYLOAD},
    {"kill-session", opts_none, 1, 1, check_kill_session, run_kill_session, "kill-session ID",
     "force another session to close (<kill-session>)",
     "Closes the device's session number ID, releasing its locks.\n"},
    {"subscribe", opts_subscribe, 0, 0, check_subscribe, run_subscribe,
     "subscribe [--stream S] [--filter F] [--count N] [--until T] [--start-time T] [--format xml|json]",
     "print event notifications as they arrive (RFC 5277 <create-subscription>)",
     "Subscribes to an event stream and prints each notification as one record, until --count\n"
     "records are printed, --until passes, the subscription ends, or SIGINT/SIGTERM (each a clean\n"
     "end: the session is closed, exit status 0).\n\n"
     "  --stream S        event stream (default: the device's, NETCONF)\n"
     "  --filter F        subtree filter when F starts with '<', else an XPath expression\n"
     "  --count N         stop after N notifications (1 to 4294967295)\n"
     "  --until T         an RFC 3339 date-time (2026-01-31T12:00:00Z) or a duration: SECONDS, or a\n"
     "                    number with s, m or h (30s, 5m, 2h). With --start-time it is the\n"
     "                    subscription's stop time (the device ends it then); without, a local\n"
     "                    deadline\n"
     "  --start-time T    replay stored notifications from the RFC 3339 date-time T (needs :replay)\n"
     "  --format xml|json encoding of the records (default: the global --format, else xml)\n\n"
     "Records. JSON: one object per line, {\"event_time\": T, \"name\": \"module:name\", \"data\": {...}}\n"
     "with data the RFC 7951 notification (one member, \"module:name\"). XML: the notification in its\n"
     "RFC 5277 envelope with its eventTime, then a line ]]>]]> ending the record (a record never\n"
     "holds ']]>' otherwise: it is written ']]&gt;', the same XML). Notifications dropped because\n"
     "the queue was full are reported on stderr.\n"},
};

static const struct command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_command_help(const struct command *cmd)
{
    printf("Usage: devconf [OPTIONS] URI %s\n\n%s\nGlobal options and exit statuses: devconf --help\n",
           cmd->synopsis, cmd->details);
}

static void print_help(void)
{
    size_t i;

    fputs("Usage: devconf [OPTIONS] URI COMMAND [ARGS]\n"
          "       devconf [OPTIONS] --inventory FILE [--limit EXPR] [--forks N] COMMAND [ARGS]\n"
          "       devconf [URI] COMMAND --help\n"
          "       devconf --help | --version\n"
          "\n"
          "Configure network devices over NETCONF and RESTCONF: one device by its URI, or every\n"
          "device of an inventory at once.\n"
          "\n"
          "URI: netconf://[USER@]HOST[:PORT]  NETCONF over SSH, port 830 by default; IPv6 addresses\n"
          "     go in brackets: netconf://admin@[2001:db8::1]:830\n"
          "     netconf+tls://HOST[:PORT]  NETCONF over TLS (RFC 7589), port 6513 by default; needs\n"
          "     --cert (the device takes the user name from it)\n"
          "     restconf://[USER@]HOST[:PORT][/ROOT]  RESTCONF over HTTPS (root discovered when absent)\n"
          "     restconf+http://HOST[:PORT][/ROOT]    RESTCONF over plain HTTP (unencrypted)\n"
          "\n"
          "Commands:\n",
          stdout);
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("  %-14s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Options (before the URI):\n"
          "  --known-hosts FILE   known_hosts file (default ~/.ssh/known_hosts)\n"
          "  --hostkey POLICY     strict (default): accept only host keys already in known_hosts;\n"
          "                       accept-new: record the key of a host not yet known (a changed key\n"
          "                       is still refused); skip: no check at all (insecure)\n"
          "  --key FILE           private key for public-key authentication; its passphrase, if any,\n"
          "                       is read from $DEVCONF_PASSPHRASE\n"
          "  --agent              authenticate with the keys of the ssh-agent ($SSH_AUTH_SOCK)\n"
          "  --user NAME          login name (default: the URI's user, else $USER)\n"
          "  --password-env VAR   read the password from the environment variable VAR\n"
          "  --format xml|json    encoding of the data printed (default: xml; rpc: the input's)\n"
          "  --timeout SECONDS    limit for connecting and for each RPC (default: 10 s and 60 s)\n"
          "  --search-dir DIR     also look for YANG modules in DIR (repeatable)\n"
          "  --cache-dir DIR      where schemas downloaded from the device are kept\n"
          "                       (default: $XDG_CACHE_HOME/devconf or ~/.cache/devconf)\n"
          "  --ca-file FILE       TLS (restconf://, netconf+tls://): PEM CA bundle the server\n"
          "                       certificate must chain to (default: the system's CA store)\n"
          "  --cert FILE          TLS: PEM client certificate (required by netconf+tls://)\n"
          "  --cert-key FILE      TLS: PEM key of --cert (default: in the --cert file); its\n"
          "                       passphrase, if any, is read from $DEVCONF_PASSPHRASE\n"
          "  --tls-insecure       TLS: do not verify the server certificate or its name (insecure)\n"
          "  --max-payload SIZE   largest payload or --subtree file read, in bytes or with K, M or G\n"
          "                       (default 64M); FILE must be a regular file ('-' reads standard input)\n"
          "  --max-reply SIZE     largest reply accepted from the device, in bytes or with K, M or G\n"
          "                       (default 256M); a longer reply fails, nothing of it is printed\n"
          "  --call-home PORT     NETCONF call home (RFC 8071): do not dial; listen on PORT (0: 4334\n"
          "                       for netconf://, 4335 for netconf+tls://) and wait for the device\n"
          "                       to connect; the URI names it (host key or certificate checked\n"
          "                       under its host and port, as when dialled)\n"
          "  --call-home-address ADDR  local address to listen on (default 0.0.0.0)\n"
          "  --call-home-wait SECONDS  how long to wait for the device to call (default 60)\n"
          "  -v, --verbose        log protocol details, including message bodies, to stderr\n"
          "\n"
          "Many devices (instead of a URI):\n"
          "  --inventory FILE     YAML inventory (hosts, groups, defaults: see the README); its\n"
          "                       connection settings replace the options above\n"
          "  --limit EXPR         devices to use: names, globs, group:NAME, all; !TERM removes\n"
          "  --forks N            devices in progress at once (default 20)\n"
          "  --device-timeout S   bound of each device's whole job, connect included\n"
          "  --retries N          extra connect attempts for unreachable devices (default 0)\n"
          "  --output-dir DIR     each device's output to DIR/NAME.out (errors: DIR/NAME.err)\n"
          "                       instead of JSON lines on stdout:\n"
          "                       {\"device\":...,\"ok\":true,\"data\":...} or {...,\"ok\":false,\"error\":...}\n"
          "  --progress on|off    a progress line on stderr (default: when stderr is a terminal)\n"
          "  apply --all-or-nothing [--confirm S] [--weak]  every device or none: confirmed commit\n"
          "                       with one persist id everywhere, reverted everywhere on any failure\n"
          "  -h, --help           show this help (COMMAND --help: the command's)\n"
          "  --version            print the version\n"
          "\n"
          "Passwords are never taken from the command line: the password comes from --password-env\n"
          "VAR, else $DEVCONF_PASSWORD, else, when neither --key nor --agent is given and standard\n"
          "input is a terminal, from a prompt on the terminal.\n"
          "\n"
          "Data goes to stdout. Errors go to stderr as 'devconf: MESSAGE', followed by one\n"
          "'  rpc-error: tag=... type=... severity=... app-tag=... path=... message=...' line per\n"
          "error the device reported ('  local-error (nothing sent): ...' for each error a local\n"
          "validation found, e.g. in a dry run).\n"
          "\n"
          "Text from the device never drives the terminal: when stdout is a terminal, control\n"
          "characters in the data (C0 but newline and tab, DEL, and C1 such as U+009B CSI) are shown\n"
          "escaped as \\u001b or \\u009b, and bytes that are not UTF-8 as \\xff; written to a pipe or a\n"
          "file, the data is left exactly as the device sent it. Messages on stderr are always escaped.\n"
          "\n"
          "Exit status:\n"
          "   0  success\n"
          "   1  other error\n"
          "   2  usage error or invalid argument\n"
          "   3  the device could not be reached, or the connection broke\n"
          "   4  authentication failed\n"
          "   5  host key rejected\n"
          "   6  timeout\n"
          "   7  the device answered with an error (rpc-error)\n"
          "   8  payload or filter invalid against the YANG schemas, or malformed\n"
          "   9  the device lacks a capability the command needs\n"
          "  10  protocol error: the device sent something malformed\n"
          "  11  not found (an input file, a YANG module)\n"
          "  12  --inventory: some devices failed\n"
          "  13  --inventory: every device failed\n"
          "  14  interrupted (cancelled)\n",
          stdout);
}

/* ---- command-line parsing -------------------------------------------------------------------- */

/* Parse the options before the URI; leaves optind at the first positional argument. */
static int parse_global(struct global_opts *g, int argc, char **argv)
{
    static const struct option options[] = {
        {"known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS},
        {"hostkey", required_argument, NULL, OPT_HOSTKEY},
        {"key", required_argument, NULL, OPT_KEY},
        {"agent", no_argument, NULL, OPT_AGENT},
        {"user", required_argument, NULL, OPT_USER},
        /* Listed only so that "--password SECRET" is refused instead of being taken as an
         * abbreviation of --password-env (whose error message would print SECRET). */
        {"password", optional_argument, NULL, OPT_PASSWORD},
        {"password-env", required_argument, NULL, OPT_PASSWORD_ENV},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"search-dir", required_argument, NULL, OPT_SEARCH_DIR},
        {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
        {"ca-file", required_argument, NULL, OPT_CA_FILE},
        {"cert", required_argument, NULL, OPT_CERT},
        {"cert-key", required_argument, NULL, OPT_CERT_KEY},
        {"tls-insecure", no_argument, NULL, OPT_TLS_INSECURE},
        {"inventory", required_argument, NULL, OPT_INVENTORY},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"forks", required_argument, NULL, OPT_FORKS},
        {"output-dir", required_argument, NULL, OPT_OUTPUT_DIR},
        {"device-timeout", required_argument, NULL, OPT_DEVICE_TIMEOUT},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"progress", required_argument, NULL, OPT_PROGRESS},
        {"max-payload", required_argument, NULL, OPT_MAX_PAYLOAD},
        {"max-reply", required_argument, NULL, OPT_MAX_REPLY},
        {"call-home", required_argument, NULL, OPT_CALL_HOME},
        {"call-home-address", required_argument, NULL, OPT_CALL_HOME_ADDRESS},
        {"call-home-wait", required_argument, NULL, OPT_CALL_HOME_WAIT},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        O_END,
    };
    unsigned long secs;
    int c, v = 0;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:hv", options, NULL)) != -1) {
        switch (c) {
        case OPT_KNOWN_HOSTS: g->known_hosts = optarg; break;
        case OPT_HOSTKEY:
            if (!keyword(NULL, "--hostkey", optarg, hostkey_policies, &v))
                return EXIT_USAGE;
            g->hostkey = (devconf_hostkey_policy)v;
            break;
        case OPT_KEY: g->key = optarg; break;
        case OPT_AGENT: g->agent = 1; break;
        case OPT_USER: g->user = optarg; break;
        case OPT_PASSWORD:
            return usage_error(NULL, "passwords are not accepted on the command line; "
                                     "set DEVCONF_PASSWORD or use --password-env VAR");
        case OPT_PASSWORD_ENV: g->password_env = optarg; break;
        case OPT_FORMAT:
            if (!keyword(NULL, "--format", optarg, formats, &v))
                return EXIT_USAGE;
            g->format = (devconf_format)v;
            break;
        case OPT_TIMEOUT:
            if (!parse_uint(NULL, "timeout", optarg, 1, INT_MAX / 1000, &secs))
                return EXIT_USAGE;
            g->timeout_ms = (int)secs * 1000;
            break;
        case OPT_SEARCH_DIR: g->search_dirs[g->n_search_dirs++] = optarg; break;
        case OPT_CACHE_DIR: g->cache_dir = optarg; break;
        case OPT_CA_FILE: g->ca_file = optarg; break;
        case OPT_CERT: g->cert = optarg; break;
        case OPT_CERT_KEY: g->cert_key = optarg; break;
        case OPT_TLS_INSECURE: g->tls_insecure = 1; break;
        case OPT_INVENTORY: g->inventory = optarg; break;
        case OPT_LIMIT: g->limit = optarg; break;
        case OPT_FORKS:
            if (!parse_uint(NULL, "forks", optarg, 1, 10000, &secs))
                return EXIT_USAGE;
            g->forks = (unsigned)secs;
            break;
        case OPT_OUTPUT_DIR: g->output_dir = optarg; break;
        case OPT_DEVICE_TIMEOUT:
            if (!parse_uint(NULL, "device timeout", optarg, 1, INT_MAX / 1000, &secs))
                return EXIT_USAGE;
            g->device_timeout_ms = (int)secs * 1000;
            break;
        case OPT_RETRIES:
            if (!parse_uint(NULL, "retries", optarg, 0, 100, &secs))
                return EXIT_USAGE;
            g->retries = (unsigned)secs;
            break;
        case OPT_PROGRESS:
            if (!keyword(NULL, "--progress", optarg, on_off, &v))
                return EXIT_USAGE;
            g->progress = v;
            break;
        case OPT_MAX_PAYLOAD:
            if (!parse_size("--max-payload", optarg, &max_payload))
                return EXIT_USAGE;
            break;
        case OPT_MAX_REPLY:
            if (!parse_size("--max-reply", optarg, &g->max_reply))
                return EXIT_USAGE;
            break;
        case OPT_CALL_HOME:
            if (!parse_uint(NULL, "call-home port", optarg, 0, 65535, &secs))
                return EXIT_USAGE;
            g->call_home_port = (int)secs;
            break;
        case OPT_CALL_HOME_ADDRESS: g->call_home_address = optarg; break;
        case OPT_CALL_HOME_WAIT:
            if (!parse_uint(NULL, "call-home wait", optarg, 1, INT_MAX / 1000, &secs))
                return EXIT_USAGE;
            g->call_home_wait_ms = (int)secs * 1000;
            break;
        case 'v': g->verbose = 1; break;
        case 'h': print_help(); return EXIT_OK;
        case OPT_VERSION:
            printf("devconf %s\n", DEVCONF_VERSION_STRING);
            if (strcmp(devconf_version(), DEVCONF_VERSION_STRING) != 0)
                printf("libdevconf %s\n", devconf_version());
            return EXIT_OK;
        default: bad_option(NULL, argv, c); return EXIT_USAGE;
        }
    }
    return CONTINUE;
}

/* Parse a sub-command's options and positional arguments (argv[0] is the command name). */
static int parse_command(const struct command *cmd, int argc, char **argv, struct cmd_args *a)
{
    unsigned long n;
    int c, v = 0, ok;

    optind = 0; /* reinitialise getopt for a new argument vector */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", cmd->options, NULL)) != -1) {
        ok = 1;
        switch (c) {
        case 'h': print_command_help(cmd); return EXIT_OK;
        case OPT_FILTER:
        case OPT_XPATH:
            a->filter = optarg;
            a->filter_type = c == OPT_XPATH ? DEVCONF_FILTER_XPATH : DEVCONF_FILTER_AUTO;
            a->n_filters++;
            break;
        case OPT_SUBTREE:
            a->subtree_file = optarg;
            a->n_filters++;
            break;
        case OPT_WITH_DEFAULTS:
            ok = keyword(cmd->name, "--with-defaults", optarg, wd_modes, &v);
            a->with_defaults = (devconf_with_defaults)v;
            break;
        case OPT_DEVICE_TEXT:
            a->device_text = 1;
            break;
        case OPT_SOURCE:
            ok = keyword(cmd->name, "--source", optarg, datastores, &v);
            a->source = (devconf_datastore)v;
            break;
        case OPT_TARGET:
            ok = keyword(cmd->name, "--target", optarg, datastores, &v);
            a->target = (devconf_datastore)v;
            break;
        case OPT_DATASTORE:
            ok = keyword(cmd->name, "--datastore", optarg, nmda_datastores, &v);
            a->datastore = (devconf_datastore)v;
            break;
        case OPT_CONFIG_ONLY: a->config_filter |= DEVCONF_CONFIG_FILTER_CONFIG; break;
        case OPT_NONCONFIG_ONLY: a->config_filter |= DEVCONF_CONFIG_FILTER_NONCONFIG; break;
        case OPT_ORIGIN:
            if (a->n_origins == MAX_ORIGINS)
                return usage_error(cmd->name, "at most %d --origin options", MAX_ORIGINS);
            a->origins[a->n_origins++] = optarg;
            break;
        case OPT_NEGATE_ORIGIN: a->negate_origin = 1; break;
        case OPT_WITH_ORIGIN: a->with_origin = 1; break;
        case OPT_MAX_DEPTH:
            ok = parse_uint(cmd->name, "max depth", optarg, 1, 65535, &n);
            a->max_depth = (unsigned)n;
            break;
        case OPT_DEFAULT_OPERATION:
            ok = keyword(cmd->name, "--default-operation", optarg, edit_ops, &v);
            a->edit.default_operation = (devconf_edit_operation)v;
            break;
        case OPT_TEST_OPTION:
            ok = keyword(cmd->name, "--test-option", optarg, test_opts, &v);
            a->edit.test_option = (devconf_test_option)v;
            break;
        case OPT_ERROR_OPTION:
            ok = keyword(cmd->name, "--error-option", optarg, error_opts, &v);
            a->edit.error_option = (devconf_error_option)v;
            break;
        case OPT_COMMIT: a->commit = 1; break;
        case OPT_REPLACE: a->replace = 1; break;
        case OPT_DRY_RUN: a->dry_run = 1; break;
        case OPT_AS_EDIT: a->as_edit = 1; break;
        case OPT_ALL_OR_NOTHING: a->all_or_nothing = 1; break;
        case OPT_WEAK: a->weak = 1; break;
        case OPT_CONFIRM:
            ok = parse_uint(cmd->name, "confirm seconds", optarg, 1, UINT32_MAX, &n);
            a->confirm_s = (uint32_t)n;
            break;
        case OPT_WAIT: a->wait = 1; break;
        case OPT_CONFIRMED: a->commit_opts.confirmed = 1; break;
        case OPT_CONFIRM_TIMEOUT:
            ok = parse_uint(cmd->name, "confirm timeout", optarg, 1, UINT32_MAX, &n);
            a->commit_opts.confirm_timeout = (uint32_t)n;
            break;
        case OPT_PERSIST: a->commit_opts.persist = optarg; break;
        case OPT_PERSIST_ID: a->commit_opts.persist_id = optarg; break;
        case OPT_REVISION: a->revision = optarg; break;
        case OPT_SCHEMA_FORMAT:
            ok = keyword(cmd->name, "--schema-format", optarg, schema_formats, &v);
            a->schema_format = optarg;
            break;
        case OPT_STREAM: a->stream = optarg; break;
        case OPT_COUNT:
            ok = parse_uint(cmd->name, "count", optarg, 1, UINT32_MAX, &n);
            a->count = n;
            break;
        case OPT_UNTIL: a->until = optarg; break;
        case OPT_START_TIME: a->start_time = optarg; break;
        case OPT_FORMAT:
            ok = keyword(cmd->name, "--format", optarg, formats, &v);
            a->sub_format = (devconf_format)v;
            break;
        default: bad_option(cmd->name, argv, c); return EXIT_USAGE;
        }
        if (!ok)
            return EXIT_USAGE;
    }
    a->pos = argv + optind;
    a->n_pos = argc - optind;
    if (a->n_pos < cmd->min_pos)
        return usage_error(cmd->name, "missing argument: %s", cmd->synopsis);
    if (a->n_pos > cmd->max_pos)
        return usage_error(cmd->name, "unexpected argument '%s'", a->pos[cmd->max_pos]);
    return CONTINUE;
}

/* ---- connecting and running ------------------------------------------------------------------ */

/* A POSIX environment variable name: [A-Za-z_][A-Za-z0-9_]*. */
static int valid_env_name(const char *s)
{
    const char *p;

    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

/* Find the password: --password-env VAR, $DEVCONF_PASSWORD, or a prompt. *out stays NULL when
 * there is none; buf receives a prompted one. Returns CONTINUE or an exit status. */
static int get_password(const struct global_opts *g, const char *uri, char *buf, size_t size, const char **out)
{
    const char *env;
    char prompt[512];

    *out = NULL;
    if (g->password_env) {
        /* what was given is never printed: it may be the password itself, given by mistake */
        if (!valid_env_name(g->password_env))
            return usage_error(NULL, "--password-env takes the NAME of an environment variable that holds the "
                                     "password (letters, digits and '_', not starting with a digit); what was "
                                     "given is not one (not shown: it may be the password itself)");
        if (!(*out = getenv(g->password_env)))
            return usage_error(NULL, "--password-env: the environment variable it names is not set (its name "
                                     "is not shown: it may be the password itself)");
        return CONTINUE;
    }
    if ((env = getenv("DEVCONF_PASSWORD")) && *env) {
        *out = env;
        return CONTINUE;
    }
    if (g->key || g->agent || g->cert || !strncmp(uri, "restconf", 8) || !isatty(STDIN_FILENO))
        return CONTINUE;
    snprintf(prompt, sizeof prompt, "Password for %s: ", uri);
    if (tty_prompt(prompt, 0, buf, size) != 0) {
        fputs("devconf: no password read from the terminal\n", stderr);
        return EXIT_AUTH;
    }
    *out = buf;
    return CONTINUE;
}

/* --call-home: listen, wait for the device the URI names to connect (Ctrl-C stops the wait), and
 * open the session over its connection. */
static int open_call_home(devconf_session **s, devconf_ctx *ctx, const struct global_opts *g, const char *uri,
                          devconf_session_options *so)
{
    devconf_callhome *l = NULL;
    devconf_callhome_transport t = !strncmp(uri, "netconf+tls:", 12) ? DEVCONF_CALLHOME_TLS : DEVCONF_CALLHOME_SSH;
    struct sigaction sa, old_int, old_term;
    int rc;

    rc = devconf_callhome_listen(&l, ctx, g->call_home_address ? g->call_home_address : "0.0.0.0",
                                 g->call_home_port, t);
    if (rc < 0)
        return rc;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    so->cancel_cb = cancel_on_interrupt;
    rc = devconf_callhome_accept(s, l, uri, so, g->call_home_wait_ms ? g->call_home_wait_ms : 60000);
    so->cancel_cb = NULL;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    devconf_callhome_free(l);
    return rc;
}

static int run(const struct global_opts *g, const char *uri, const struct command *cmd, struct cmd_args *a)
{
    devconf_session_options so = DEVCONF_SESSION_OPTIONS_INIT;
    devconf_ctx *ctx = NULL;
    devconf_session *s = NULL;
    char password[PASSWORD_MAX];
    const char *passphrase = getenv("DEVCONF_PASSPHRASE");
    size_t i;
    int rc, ex;

    ex = get_password(g, uri, password, sizeof password, &so.password);
    if (ex != CONTINUE)
        return ex;
    so.username = g->user;
    so.private_key = g->key;
    /* the passphrase of the SSH key, or of the TLS client key */
    so.passphrase = (g->key || g->cert) && passphrase && *passphrase ? passphrase : NULL;
    so.use_agent = g->agent;
    so.kbdint_cb = !so.password && isatty(STDIN_FILENO) ? kbdint_from_tty : NULL;
    so.known_hosts = g->known_hosts;
    so.hostkey_policy = g->hostkey;
    so.connect_timeout_ms = g->timeout_ms;
    so.rpc_timeout_ms = g->timeout_ms;
    so.max_reply_bytes = g->max_reply;
    so.ca_file = g->ca_file;
    so.client_cert = g->cert;
    so.client_key = g->cert_key;
    so.tls_insecure_skip_verify = g->tls_insecure;
    if (g->hostkey == DEVCONF_HOSTKEY_INSECURE_SKIP)
        fputs("devconf: warning: --hostkey skip: the host key is not checked, so anyone on the network "
              "path can impersonate the device\n",
              stderr);

    if ((rc = devconf_init()) < 0) {
        explicit_bzero(password, sizeof password);
        return report_error(rc);
    }
    rc = devconf_ctx_new(&ctx);
    if (rc == 0) {
        devconf_ctx_set_log_callback(ctx, g->verbose ? DEVCONF_LOG_DEBUG : DEVCONF_LOG_WARNING, log_to_stderr,
                                     NULL);
        for (i = 0; rc == 0 && i < g->n_search_dirs; i++)
            rc = devconf_ctx_add_search_dir(ctx, g->search_dirs[i]);
        if (rc == 0 && g->cache_dir)
            rc = devconf_ctx_set_cache_dir(ctx, g->cache_dir);
    }
    if (rc == 0 && g->call_home_port >= 0)
        rc = open_call_home(&s, ctx, g, uri, &so);
    else if (rc == 0)
        rc = devconf_session_open(&s, ctx, uri, &so);
    explicit_bzero(password, sizeof password);
    if (rc == 0)
        rc = cmd->run(s, a);
    ex = rc < 0 ? report_error(rc) : EXIT_OK;
    devconf_session_free(s);
    devconf_ctx_free(ctx);
    devconf_deinit();
    return ex;
}


/* ---- --inventory: one command on many devices -------------------------------------------------- */

struct fleet_out {
    const struct global_opts *g;
    const devconf_fleet *f;
    int progress;
    int64_t t0_ms;
    size_t failed_shown;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct fleet_job {
    const struct command *cmd;
    const struct cmd_args *a;
};

/* A command's handler on one device of the fleet: its output becomes the device's result. */
static int fleet_job(devconf_session *s, const char *device, char **data, void *payload)
{
    const struct fleet_job *j = payload;
    struct cmd_args a = *j->a;
    struct capture c = {0};
    (void)device;
    tl_capture = &c;
    int rc = j->cmd->run(s, &a);
    tl_capture = NULL;
    devconf_error_free(kept_error); /* the library keeps the thread's error for the result */
    kept_error = NULL;
    *data = c.data;
    return rc;
}

static void json_error(FILE *f, const devconf_error *e)
{
    size_t i, n = devconf_error_rpc_error_count(e);
    fputs(",\"error\":", f);
    put_json_string(f, devconf_error_message(e));
    fprintf(f, ",\"origin\":\"%s\"", devconf_origin_name(devconf_error_origin(e)));
    if (!n)
        return;
    fputs(",\"rpc_errors\":[", f);
    for (i = 0; i < n; i++) {
        const devconf_rpc_error *r = devconf_error_rpc_error(e, i);
        const struct {
            const char *name, *value;
        } fields[] = {
            {"tag", devconf_rpc_error_tag(r)},         {"type", devconf_rpc_error_type(r)},
            {"severity", devconf_rpc_error_severity(r)}, {"app_tag", devconf_rpc_error_app_tag(r)},
            {"path", devconf_rpc_error_path(r)},       {"message", devconf_rpc_error_message(r)},
        };
        size_t k, shown = 0;
        fputs(i ? ",{" : "{", f);
        for (k = 0; k < sizeof fields / sizeof fields[0]; k++) {
            if (!fields[k].value)
                continue;
            fprintf(f, "%s\"%s\":", shown++ ? "," : "", fields[k].name);
            put_json_string(f, fields[k].value);
        }
        fputc('}', f);
    }
    fputc(']', f);
}

static const char *state_name(devconf_fleet_txn_state st)
{
    switch (st) {
    case DEVCONF_FLEET_TXN_COMMITTED: return "committed";
    case DEVCONF_FLEET_TXN_REVERTED: return "reverted";
    case DEVCONF_FLEET_TXN_REVERT_FAILED: return "revert-failed";
    default: return NULL;
    }
}

/* Writes data to DIR/NAME.out (or the error to DIR/NAME.err): the name is checked by the library
 * (letters, digits and ._-:@ only), so it is a file name. */
static void write_device_file(const char *dir, const char *name, const char *ext, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "devconf: cannot write %s: %s\n", path, strerror(errno));
        return;
    }
    fputs(text, f);
    if (*text && text[strlen(text) - 1] != '\n')
        fputc('\n', f);
    fclose(f);
}

static void on_fleet_result(const devconf_fleet_result *r, void *payload)
{
    struct fleet_out *o = payload;
    const char *name = devconf_fleet_result_device(r);
    const char *data = devconf_fleet_result_data(r);
    const devconf_error *e = devconf_fleet_result_error(r);
    const char *state = state_name(devconf_fleet_result_txn_state(r));
    if (o->g->output_dir) {
        char ext[16];
        snprintf(ext, sizeof ext, "%s", e ? "err" : "out");
        write_device_file(o->g->output_dir, name, ext, e ? devconf_error_message(e) : data ? data : "");
    } else {
        fputs("{\"device\":", stdout);
        put_json_string(stdout, name);
        fputs(",\"uri\":", stdout);
        put_json_string(stdout, devconf_fleet_result_uri(r));
        fprintf(stdout, ",\"ok\":%s,\"elapsed_ms\":%" PRId64, e ? "false" : "true", devconf_fleet_result_elapsed_ms(r));
        if (state)
            fprintf(stdout, ",\"state\":\"%s\"", state);
        if (e) {
            fprintf(stdout, ",\"code\":%d", devconf_fleet_result_code(r));
            json_error(stdout, e);
        } else if (data) {
            fputs(",\"data\":", stdout);
            put_json_string(stdout, data);
        }
        fputs("}\n", stdout);
        fflush(stdout);
    }
    if (e && o->failed_shown < 20 && !o->progress) {
        o->failed_shown++;
        fputs("devconf: ", stderr);
        put_clean(stderr, devconf_error_message(e), 0);
        fputc('\n', stderr);
    }
}

static void on_fleet_progress(size_t done, size_t failed, size_t total, uint64_t bytes, void *payload)
{
    struct fleet_out *o = payload;
    (void)bytes;
    if (!o->progress)
        return;
    double secs = (mono_ms() - o->t0_ms) / 1000.0;
    double rate = secs > 0 ? done / secs : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    fprintf(stderr, "\r\033[K[%zu/%zu] %zu ok, %zu failed, %.1f devices/s, ETA %.0f s", done, total, done - failed,
            failed, rate, eta);
    if (done == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

static int run_fleet(const struct global_opts *g, const struct command *cmd, struct cmd_args *a)
{
    devconf_ctx *ctx = NULL;
    devconf_fleet *f = NULL;
    devconf_fleet_summary sum = {0};
    struct fleet_out out = {g, NULL, 0, mono_ms(), 0};
    size_t i;
    int rc, ex = EXIT_OK;

    if (cmd->run == run_confirm || !strcmp(cmd->name, "kill-session") || !strcmp(cmd->name, "lock") ||
        !strcmp(cmd->name, "unlock") || cmd->run == run_subscribe)
        return usage_error(cmd->name, "%s makes no sense across an inventory (each device's session ends "
                                      "with its job)", cmd->name);
    /* Session settings of the devices come from the inventory (timeout, connect_timeout,
     * max_reply_bytes, ...): a flag that would be silently ignored is refused instead. */
    if (g->timeout_ms)
        return usage_error(NULL, "--timeout sets one session's limits; with --inventory set 'timeout' and "
                                 "'connect_timeout' in the inventory, or bound each device with --device-timeout");
    if (g->max_reply)
        return usage_error(NULL, "--max-reply sets one session's limit; with --inventory set 'max_reply_bytes' "
                                 "in the inventory");
    if (a->all_or_nothing && (a->dry_run || strcmp(cmd->name, "apply")))
        return usage_error(cmd->name, "--all-or-nothing is for apply without --dry-run");
    if (g->output_dir) {
        struct stat st;
        if (stat(g->output_dir, &st) != 0 || !S_ISDIR(st.st_mode))
            return usage_error(NULL, "--output-dir %s is not a directory", g->output_dir);
    }
    if ((rc = devconf_init()) < 0)
        return report_error(rc);
    rc = devconf_ctx_new(&ctx);
    if (rc == 0) {
        devconf_ctx_set_log_callback(ctx, g->verbose ? DEVCONF_LOG_DEBUG : DEVCONF_LOG_ERROR, log_to_stderr, NULL);
        for (i = 0; rc == 0 && i < g->n_search_dirs; i++)
            rc = devconf_ctx_add_search_dir(ctx, g->search_dirs[i]);
        if (rc == 0 && g->cache_dir)
            rc = devconf_ctx_set_cache_dir(ctx, g->cache_dir);
    }
    if (rc == 0)
        rc = devconf_fleet_new(&f, ctx);
    if (rc == 0)
        rc = devconf_fleet_load_inventory(f, g->inventory);
    if (rc == 0 && (rc = devconf_fleet_select(f, g->limit)) > 0)
        rc = 0;
    else if (rc == 0)
        rc = usage_error(NULL, "--limit selects no device") == EXIT_USAGE ? DEVCONF_EINVAL : DEVCONF_EINVAL;
    if (rc < 0) {
        ex = report_error(rc);
        goto done;
    }
    out.f = f;
    out.progress = g->progress < 0 ? isatty(STDERR_FILENO) : g->progress;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    devconf_fleet_options fo = DEVCONF_FLEET_OPTIONS_INIT;
    fo.forks = g->forks;
    fo.device_timeout_ms = g->device_timeout_ms;
    fo.connect_retries = g->retries;
    fo.result_cb = on_fleet_result;
    fo.result_payload = &out;
    fo.progress_cb = on_fleet_progress;
    fo.progress_payload = &out;
    fo.cancel_cb = cancel_on_interrupt;
    if (a->all_or_nothing) {
        devconf_fleet_txn_options to = DEVCONF_FLEET_TXN_OPTIONS_INIT;
        to.confirm_seconds = a->confirm_s;
        to.weak = a->weak ? DEVCONF_FLEET_WEAK_SNAPSHOT : DEVCONF_FLEET_WEAK_REFUSE;
        to.default_operation = a->replace ? DEVCONF_EDIT_REPLACE : DEVCONF_EDIT_MERGE;
        rc = devconf_fleet_transaction(f, a->payload, &to, &fo, &sum);
    } else {
        struct fleet_job job = {cmd, a};
        devconf_fleet_op op = DEVCONF_FLEET_OP_INIT;
        op.kind = DEVCONF_FLEET_CALLBACK;
        op.job = fleet_job;
        op.job_payload = &job;
        rc = devconf_fleet_run(f, &op, &fo, &sum);
    }
    fprintf(stderr, "devconf: %zu of %zu devices ok, %zu failed", sum.ok, sum.total, sum.failed);
    if (sum.timed_out)
        fprintf(stderr, " (%zu timed out)", sum.timed_out);
    if (sum.cancelled)
        fprintf(stderr, " (%zu cancelled)", sum.cancelled);
    fprintf(stderr, ", %.1f s\n", sum.elapsed_ms / 1000.0);
    if (rc < 0 && (a->all_or_nothing || rc == DEVCONF_ECANCELED || rc == DEVCONF_ETIMEOUT || !sum.total))
        ex = report_error(rc);
    else if (sum.total && sum.ok == sum.total)
        ex = EXIT_OK;
    else if (!sum.ok)
        ex = EXIT_ALL_FAILED;
    else
        ex = EXIT_SOME_FAILED;
done:
    devconf_fleet_free(f);
    devconf_ctx_free(ctx);
    devconf_deinit();
    return ex;
}

int main(int argc, char **argv)
{
    struct global_opts g = {0};
    struct cmd_args a = {0};
    g.progress = -1; /* a progress line when stderr is a terminal */
    g.call_home_port = -1; /* dial, unless --call-home */
    const struct command *cmd;
    const char *uri = NULL;
    int ex, ci;

    a.edit = (devconf_edit_options)DEVCONF_EDIT_OPTIONS_INIT;
    a.commit_opts = (devconf_commit_options)DEVCONF_COMMIT_OPTIONS_INIT;
    if (!(g.search_dirs = calloc((size_t)argc, sizeof *g.search_dirs))) {
        fputs("devconf: out of memory\n", stderr);
        return EXIT_GENERIC;
    }
    if ((ex = parse_global(&g, argc, argv)) != CONTINUE)
        goto out;

    /* "URI COMMAND ...", or "COMMAND ..." (enough for COMMAND --help). */
    if ((ci = optind) >= argc) {
        ex = usage_error(NULL, "missing URI and COMMAND");
        goto out;
    }
    if (!(cmd = find_command(argv[ci]))) {
        uri = argv[ci++];
        if (ci >= argc) {
            ex = usage_error(NULL, "missing COMMAND after '%s'", uri);
            goto out;
        }
        if (!(cmd = find_command(argv[ci]))) {
            ex = usage_error(NULL, "unknown command '%s'", argv[ci]);
            goto out;
        }
    }
    if ((ex = parse_command(cmd, argc - ci, argv + ci, &a)) != CONTINUE)
        goto out;
    if (g.call_home_port < 0 && (g.call_home_address || g.call_home_wait_ms)) {
        ex = usage_error(NULL, "--call-home-address and --call-home-wait go with --call-home PORT");
        goto out;
    }
    if (g.inventory) {
        if (uri) {
            ex = usage_error(NULL, "give either a URI or --inventory, not both");
            goto out;
        }
        if (g.call_home_port >= 0) {
            ex = usage_error(NULL, "--call-home takes one device (a URI), not --inventory");
            goto out;
        }
        if (cmd->check && (ex = cmd->check(cmd, &a)) != CONTINUE)
            goto out;
        a.format = g.format;
        ex = run_fleet(&g, cmd, &a);
        goto out;
    }
    if (!uri) {
        ex = usage_error(cmd->name, "missing URI before '%s'", cmd->name);
        goto out;
    }
    if (g.call_home_port >= 0 && strncmp(uri, "netconf://", 10) && strncmp(uri, "netconf+ssh://", 14) &&
        strncmp(uri, "netconf+tls://", 14)) {
        ex = usage_error(NULL, "--call-home is NETCONF call home (RFC 8071): give a netconf:// or netconf+tls:// URI");
        goto out;
    }
    if (cmd->check && (ex = cmd->check(cmd, &a)) != CONTINUE)
        goto out;
    a.format = g.format;
    a.verbose = g.verbose;
    ex = run(&g, uri, cmd, &a);

out:
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "devconf: cannot write the output: %s\n", strerror(errno));
        if (ex == EXIT_OK)
            ex = EXIT_GENERIC;
    }
    free(a.payload);
    free(g.search_dirs);
    return ex;
}

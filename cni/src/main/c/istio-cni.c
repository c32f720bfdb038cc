/*
 * istio-cni: the chained CNI plugin of ambient4j (ambient-spec §6.5).
 *
 * Why C: the container runtime execs this file once per pod sandbox, so its start-up cost is paid on
 * every pod start. A JVM start (even with an AppCDS archive) costs tens to hundreds of milliseconds
 * on a busy node; this program starts in about a millisecond (measurements in cni/README.md). It
 * holds no policy: it checks the CNI protocol (env, stdin JSON, version), skips pods the
 * configuration rules out without asking anyone (no Kubernetes pod, excluded namespace, the agent's
 * own pod), and for every other pod asks the node agent over its Unix socket to capture the pod. The
 * agent decides whether the pod is ambient (it has the pod and namespace in its informer cache) and
 * answers 200 only once the pod is captured, or when the pod is not ambient. Anything else fails the
 * ADD, so the runtime retries and no ambient pod ever starts uncaptured.
 *
 * Exit 0 with the result on stdout, or exit 1 with a CNI error object on stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* CNI error codes (CNI spec, "Error" section). */
enum {
    ERR_INCOMPATIBLE_VERSION = 1,
    ERR_INVALID_ENV = 4,
    ERR_IO = 5,
    ERR_DECODE = 6,
    ERR_INVALID_CONFIG = 7,
    ERR_TRY_AGAIN_LATER = 11,
};

#define MAX_STDIN (1 << 20)
#define MAX_TOKENS 8192
#define MAX_DEPTH 64
#define AGENT_TIMEOUT_MS 5000
#define DEFAULT_RUN_DIR "/var/run/istio-cni"
#define EVENT_SOCKET "pluginevent.sock"
#define ADD_PATH "/cmdadd"
#define CURRENT_VERSION "1.1.0"

static const char *SUPPORTED[] = {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", NULL};

static const char *g_version = CURRENT_VERSION; /* cniVersion echoed in errors */
static int g_debug;

/* ---------- output helpers ---------- */

typedef struct {
    char *p;
    size_t len, cap;
} buf_t;

static void buf_add(buf_t *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n + 1) cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            fputs("istio-cni: out of memory\n", stderr);
            exit(1);
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void buf_str(buf_t *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_fmt(buf_t *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Appends s (n bytes) as a JSON string literal. */
static void buf_json(buf_t *b, const char *s, size_t n) {
    buf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            buf_add(b, e, 2);
        } else if (c < 0x20) {
            buf_fmt(b, "\\u%04x", c);
        } else {
            buf_add(b, (const char *)&s[i], 1);
        }
    }
    buf_add(b, "\"", 1);
}

static void debugf(const char *fmt, ...) {
    if (!g_debug) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("istio-cni: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Prints the CNI error object and exits 1. */
static void fail(int code, const char *msg, const char *details) {
    buf_t b = {0};
    buf_str(&b, "{\"cniVersion\":");
    buf_json(&b, g_version, strlen(g_version));
    buf_fmt(&b, ",\"code\":%d,\"msg\":", code);
    buf_json(&b, msg, strlen(msg));
    if (details && *details) {
        buf_str(&b, ",\"details\":");
        buf_json(&b, details, strlen(details));
    }
    buf_str(&b, "}\n");
    fwrite(b.p, 1, b.len, stdout);
    fflush(stdout);
    exit(1);
}

/* ---------- a small strict JSON parser (tokens in pre-order, spans into the input) ---------- */

enum { J_OBJ = 1, J_ARR, J_STR, J_PRIM };

typedef struct {
    int type;
    int start, end; /* STR: inside the quotes; others: the whole value */
    int size;       /* OBJ: members; ARR: elements */
} jtok;

typedef struct {
    const char *s;
    int len, pos, ntok;
    jtok *tok;
    const char *err;
} jparser;

static void jws(jparser *p) {
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos]) p->pos++;
}

static int jnew(jparser *p, int type, int start) {
    if (p->ntok >= MAX_TOKENS) {
        p->err = "too many JSON values";
        return -1;
    }
    jtok *t = &p->tok[p->ntok];
    t->type = type;
    t->start = start;
    t->end = -1;
    t->size = 0;
    return p->ntok++;
}

static int jvalue(jparser *p, int depth);

static int jstring(jparser *p) {
    int at = p->pos++; /* opening quote */
    int t = jnew(p, J_STR, p->pos);
    if (t < 0) return -1;
    while (p->pos < p->len) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            p->tok[t].end = p->pos++;
            return t;
        }
        if (c < 0x20) break;
        if (c == '\\') {
            p->pos++;
            if (p->pos >= p->len) break;
            char e = p->s[p->pos];
            if (e == 'u') {
                for (int i = 1; i <= 4; i++) {
                    if (p->pos + i >= p->len || !strchr("0123456789abcdefABCDEF", p->s[p->pos + i]) ||
                        !p->s[p->pos + i]) {
                        p->err = "bad \\u escape in string";
                        return -1;
                    }
                }
                p->pos += 4;
            } else if (!strchr("\"\\/bfnrt", e) || !e) {
                p->err = "bad escape in string";
                return -1;
            }
        }
        p->pos++;
    }
    (void)at;
    p->err = "unterminated string";
    return -1;
}

static int jprim(jparser *p) {
    int start = p->pos;
    static const char *lits[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(lits[i]);
        if ((size_t)(p->len - p->pos) >= n && strncmp(p->s + p->pos, lits[i], n) == 0) {
            p->pos += (int)n;
            int t = jnew(p, J_PRIM, start);
            if (t >= 0) p->tok[t].end = p->pos;
            return t;
        }
    }
    /* number: -? int frac? exp? */
    if (p->pos < p->len && p->s[p->pos] == '-') p->pos++;
    int digits = 0;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++, digits++;
    if (!digits) {
        p->err = "unexpected character";
        return -1;
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        digits = 0;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++, digits++;
        if (!digits) {
            p->err = "bad number";
            return -1;
        }
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) p->pos++;
        digits = 0;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++, digits++;
        if (!digits) {
            p->err = "bad number";
            return -1;
        }
    }
    int t = jnew(p, J_PRIM, start);
    if (t >= 0) p->tok[t].end = p->pos;
    return t;
}

static int jcontainer(jparser *p, int depth, int obj) {
    char close = obj ? '}' : ']';
    int t = jnew(p, obj ? J_OBJ : J_ARR, p->pos);
    if (t < 0) return -1;
    p->pos++;
    jws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->tok[t].end = ++p->pos;
        return t;
    }
    for (;;) {
        jws(p);
        if (obj) {
            if (p->pos >= p->len || p->s[p->pos] != '"') {
                p->err = "expected a member name";
                return -1;
            }
            if (jstring(p) < 0) return -1;
            jws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                p->err = "expected ':'";
                return -1;
            }
            p->pos++;
        }
        if (jvalue(p, depth + 1) < 0) return -1;
        p->tok[t].size++;
        jws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->tok[t].end = ++p->pos;
            return t;
        }
        p->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
        return -1;
    }
}

static int jvalue(jparser *p, int depth) {
    if (depth > MAX_DEPTH) {
        p->err = "JSON nested too deeply";
        return -1;
    }
    jws(p);
    if (p->pos >= p->len) {
        p->err = "unexpected end of input";
        return -1;
    }
    char c = p->s[p->pos];
    if (c == '{') return jcontainer(p, depth, 1);
    if (c == '[') return jcontainer(p, depth, 0);
    if (c == '"') return jstring(p);
    return jprim(p);
}

/* Index of the token after i's whole subtree. */
static int jskip(const jparser *p, int i) {
    int end = p->tok[i].type == J_STR ? p->tok[i].end + 1 : p->tok[i].end;
    int j = i + 1;
    while (j < p->ntok && p->tok[j].start < end) j++;
    return j;
}

static int jeq(const jparser *p, int i, const char *lit) {
    size_t n = strlen(lit);
    return p->tok[i].type == J_STR && (size_t)(p->tok[i].end - p->tok[i].start) == n &&
           strncmp(p->s + p->tok[i].start, lit, n) == 0;
}

/* Value token of member `key` in object `obj`, or -1. */
static int jget(const jparser *p, int obj, const char *key) {
    if (obj < 0 || p->tok[obj].type != J_OBJ) return -1;
    int j = obj + 1;
    for (int k = 0; k < p->tok[obj].size; k++) {
        int v = j + 1;
        if (jeq(p, j, key)) return v;
        j = jskip(p, v);
    }
    return -1;
}

/* The i-th element of array `arr`, or -1. */
static int jat(const jparser *p, int arr, int idx) {
    if (arr < 0 || p->tok[arr].type != J_ARR || idx >= p->tok[arr].size) return -1;
    int j = arr + 1;
    for (int k = 0; k < idx; k++) j = jskip(p, j);
    return j;
}

/* Copies a string token, decoding simple escapes (\uXXXX kept only for ASCII). Caller frees. */
static char *jstrdup(const jparser *p, int i) {
    if (i < 0 || p->tok[i].type != J_STR) return NULL;
    const char *s = p->s + p->tok[i].start;
    int n = p->tok[i].end - p->tok[i].start;
    char *out = malloc((size_t)n + 1);
    int o = 0;
    for (int k = 0; k < n; k++) {
        if (s[k] != '\\') {
            out[o++] = s[k];
            continue;
        }
        char e = s[++k];
        switch (e) {
            case 'n': out[o++] = '\n'; break;
            case 't': out[o++] = '\t'; break;
            case 'r': out[o++] = '\r'; break;
            case 'b': out[o++] = '\b'; break;
            case 'f': out[o++] = '\f'; break;
            case 'u': {
                unsigned v = (unsigned)strtoul((char[]){s[k + 1], s[k + 2], s[k + 3], s[k + 4], 0}, NULL, 16);
                out[o++] = v < 0x80 ? (char)v : '?';
                k += 4;
                break;
            }
            default: out[o++] = e;
        }
    }
    out[o] = 0;
    return out;
}

static int jis_true(const jparser *p, int i) {
    return i >= 0 && p->tok[i].type == J_PRIM && p->tok[i].end - p->tok[i].start == 4 &&
           strncmp(p->s + p->tok[i].start, "true", 4) == 0;
}

/* ---------- environment and CNI_ARGS ---------- */

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* Value of KEY in "A=1;KEY=v;..." copied into out, or 0 when absent. */
static int cni_arg(const char *args, const char *key, char *out, size_t cap) {
    if (!args) return 0;
    size_t klen = strlen(key);
    const char *p = args;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = n - klen - 1;
            if (vlen >= cap) vlen = cap - 1;
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = 0;
            return vlen > 0;
        }
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

/* ---------- the add event body (same JSON shape as upstream's CNIPluginAddEvent) ---------- */

static void base64(buf_t *b, const unsigned char *in, int n) {
    static const char *al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        char q[4] = {al[v >> 18 & 63], al[v >> 12 & 63], i + 1 < n ? al[v >> 6 & 63] : '=', i + 2 < n ? al[v & 63] : '='};
        buf_add(b, q, 4);
    }
}

/* Appends one {"Interface":..,"Address":{"IP":..,"Mask":..},"Gateway":..}; 0 if the CIDR is unusable. */
static int add_ipconfig(buf_t *b, int first, const char *cidr, const char *gateway, const char *iface) {
    char ip[64];
    const char *slash = strchr(cidr, '/');
    size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);
    if (n >= sizeof ip) return 0;
    memcpy(ip, cidr, n);
    ip[n] = 0;
    unsigned char raw[16];
    int v6 = strchr(ip, ':') != NULL;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, raw) != 1) return 0;
    int bits = v6 ? 128 : 32;
    int prefix = slash ? atoi(slash + 1) : bits;
    if (prefix < 0 || prefix > bits) return 0;
    unsigned char mask[16] = {0};
    for (int i = 0; i < prefix; i++) mask[i / 8] |= (unsigned char)(0x80 >> (i % 8));
    if (!first) buf_str(b, ",");
    buf_str(b, "{\"Interface\":");
    buf_str(b, iface ? iface : "null");
    buf_str(b, ",\"Address\":{\"IP\":");
    buf_json(b, ip, strlen(ip));
    buf_str(b, ",\"Mask\":\"");
    base64(b, mask, bits / 8);
    buf_str(b, "\"},\"Gateway\":");
    if (gateway) {
        buf_json(b, gateway, strlen(gateway));
    } else {
        buf_str(b, "null");
    }
    buf_str(b, "}");
    return 1;
}

/* IPs from prevResult: "ips" (0.3.0+) or "ip4"/"ip6" (0.1/0.2). */
static void add_ips(buf_t *b, const jparser *p, int prev) {
    buf_str(b, "[");
    int first = 1;
    int ips = jget(p, prev, "ips");
    if (ips >= 0 && p->tok[ips].type == J_ARR) {
        for (int k = 0; k < p->tok[ips].size; k++) {
            int e = jat(p, ips, k);
            char *addr = jstrdup(p, jget(p, e, "address"));
            char *gw = jstrdup(p, jget(p, e, "gateway"));
            int itok = jget(p, e, "interface");
            char iface[32] = {0};
            if (itok >= 0 && p->tok[itok].type == J_PRIM && p->tok[itok].end - p->tok[itok].start < 31) {
                memcpy(iface, p->s + p->tok[itok].start, (size_t)(p->tok[itok].end - p->tok[itok].start));
            }
            if (addr && add_ipconfig(b, first, addr, gw, iface[0] && strcmp(iface, "null") ? iface : NULL)) first = 0;
            free(addr);
            free(gw);
        }
    }
    const char *old[] = {"ip4", "ip6"};
    for (int k = 0; k < 2; k++) {
        int o = jget(p, prev, old[k]);
        char *addr = jstrdup(p, jget(p, o, "ip"));
        char *gw = jstrdup(p, jget(p, o, "gateway"));
        if (addr && add_ipconfig(b, first, addr, gw, NULL)) first = 0;
        free(addr);
        free(gw);
    }
    buf_str(b, "]");
}

/* ---------- HTTP over the agent's Unix socket ---------- */

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Waits for fd readiness before the deadline; 0 on timeout. */
static int wait_fd(int fd, short events, long deadline) {
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0) return 0;
        struct pollfd pf = {.fd = fd, .events = events};
        int r = poll(&pf, 1, (int)left);
        if (r > 0) return 1;
        if (r == 0) return 0;
        if (errno != EINTR) return 0;
    }
}

/*
 * POSTs body to the agent. Returns the HTTP status (>0), or fails the plugin with ERR_TRY_AGAIN_LATER
 * when the agent cannot be reached or does not answer in time. *reply receives the response body.
 */
static int post_event(const char *sock_path, const char *body, size_t body_len, buf_t *reply) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(sock_path) >= sizeof sa.sun_path) fail(ERR_INVALID_CONFIG, "cni_agent_run_dir is too long", sock_path);
    strcpy(sa.sun_path, sock_path);
    long deadline = now_ms() + AGENT_TIMEOUT_MS;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) fail(ERR_IO, "istio-cni cmdAdd cannot create a socket", strerror(errno));
    char why[256];
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN) {
            snprintf(why, sizeof why, "connect %s: %s", sock_path, strerror(errno));
            fail(ERR_TRY_AGAIN_LATER, "istio-cni cmdAdd failed to contact node Istio CNI agent", why);
        }
        if (!wait_fd(fd, POLLOUT, deadline)) {
            snprintf(why, sizeof why, "connect %s: timed out", sock_path);
            fail(ERR_TRY_AGAIN_LATER, "istio-cni cmdAdd failed to contact node Istio CNI agent", why);
        }
    }
    buf_t req = {0};
    buf_fmt(&req,
            "POST " ADD_PATH " HTTP/1.1\r\nHost: unix\r\nContent-Type: application/json\r\n"
            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
            body_len);
    buf_add(&req, body, body_len);
    size_t off = 0;
    while (off < req.len) {
        ssize_t w = send(fd, req.p + off, req.len - off, MSG_NOSIGNAL);
        if (w > 0) {
            off += (size_t)w;
        } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_fd(fd, POLLOUT, deadline)) {
                fail(ERR_TRY_AGAIN_LATER, "istio-cni cmdAdd: the node Istio CNI agent did not take the event in time", "");
            }
        } else {
            snprintf(why, sizeof why, "send: %s", strerror(errno));
            fail(ERR_TRY_AGAIN_LATER, "istio-cni cmdAdd failed to contact node Istio CNI agent", why);
        }
    }
    buf_t resp = {0};
    char chunk[4096];
    for (;;) {
        ssize_t r = recv(fd, chunk, sizeof chunk, 0);
        if (r > 0) {
            if (resp.len < 65536) buf_add(&resp, chunk, (size_t)r);
        } else if (r == 0) {
            break;
        } else if (errno == EAGAIN || errno == EINTR) {
            if (!wait_fd(fd, POLLIN, deadline)) {
                fail(ERR_TRY_AGAIN_LATER, "istio-cni cmdAdd: the node Istio CNI agent did not answer within 5s", "");
            }
        } else {
            snprintf(why, sizeof why, "recv: %s", strerror(errno));
            fail(ERR_TRY_AGAIN_LATER, "istio-cni cmdAdd failed to contact node Istio CNI agent", why);
        }
    }
    close(fd);
    int status = 0;
    if (!resp.p || sscanf(resp.p, "HTTP/1.%*d %d", &status) != 1 || status < 100) {
        fail(ERR_TRY_AGAIN_LATER, "istio-cni cmdAdd: malformed answer from the node Istio CNI agent", resp.p ? resp.p : "");
    }
    char *bodyp = strstr(resp.p, "\r\n\r\n");
    if (bodyp) buf_str(reply, bodyp + 4);
    return status;
}

/* ---------- commands ---------- */

static char *read_stdin(size_t *len) {
    buf_t b = {0};
    char chunk[8192];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        if (b.len + r > MAX_STDIN) fail(ERR_DECODE, "network configuration on stdin is larger than 1 MiB", "");
        buf_add(&b, chunk, r);
    }
    if (ferror(stdin)) fail(ERR_IO, "cannot read the network configuration from stdin", strerror(errno));
    *len = b.len;
    return b.p ? b.p : calloc(1, 1);
}

static void require_env(const char **names) {
    buf_t missing = {0};
    for (int i = 0; names[i]; i++) {
        if (!env(names[i])) {
            buf_str(&missing, missing.len ? " " : "");
            buf_str(&missing, names[i]);
        }
    }
    if (missing.len) {
        char msg[256];
        snprintf(msg, sizeof msg, "required env variables [%s] missing", missing.p);
        fail(ERR_INVALID_ENV, msg, "");
    }
}

static int supported(const char *v) {
    for (int i = 0; SUPPORTED[i]; i++)
        if (strcmp(SUPPORTED[i], v) == 0) return 1;
    return 0;
}

static void print_versions(void) {
    fputs("{\"cniVersion\":\"" CURRENT_VERSION "\",\"supportedVersions\":[", stdout);
    for (int i = 0; SUPPORTED[i]; i++) printf("%s\"%s\"", i ? "," : "", SUPPORTED[i]);
    fputs("]}\n", stdout);
}

/* prevResult unchanged; cniVersion is added only when it lacks one, since a result must carry it. */
static void print_result(const jparser *p, int prev) {
    if (prev < 0 || p->tok[prev].type != J_OBJ) {
        printf("{\"cniVersion\":\"%s\"}\n", g_version);
        return;
    }
    const char *s = p->s + p->tok[prev].start;
    int n = p->tok[prev].end - p->tok[prev].start;
    if (jget(p, prev, "cniVersion") >= 0) {
        fwrite(s, 1, (size_t)n, stdout);
    } else {
        printf("{\"cniVersion\":\"%s\"%s", g_version, p->tok[prev].size ? "," : "");
        fwrite(s + 1, 1, (size_t)n - 1, stdout);
    }
    fputc('\n', stdout);
}

static int in_list(const jparser *p, int arr, const char *v) {
    if (arr < 0 || p->tok[arr].type != J_ARR) return 0;
    for (int k = 0; k < p->tok[arr].size; k++) {
        char *s = jstrdup(p, jat(p, arr, k));
        int eq = s && strcmp(s, v) == 0;
        free(s);
        if (eq) return 1;
    }
    return 0;
}

static void cmd_add(const jparser *p, int conf) {
    int prev = jget(p, conf, "prevResult");
    if (prev >= 0 && p->tok[prev].type != J_OBJ) fail(ERR_INVALID_CONFIG, "prevResult must be an object", "");
    char ns[254], name[254];
    const char *args = getenv("CNI_ARGS");
    if (!cni_arg(args, "K8S_POD_NAMESPACE", ns, sizeof ns) || !cni_arg(args, "K8S_POD_NAME", name, sizeof name)) {
        debugf("not a kubernetes pod (CNI_ARGS has no K8S_POD_NAME/K8S_POD_NAMESPACE)");
        print_result(p, prev);
        return;
    }
    if (in_list(p, jget(p, conf, "exclude_namespaces"), ns)) {
        debugf("pod %s/%s: namespace excluded", ns, name);
        print_result(p, prev);
        return;
    }
    if (!jis_true(p, jget(p, conf, "ambient_enabled"))) {
        debugf("pod %s/%s: ambient disabled", ns, name);
        print_result(p, prev);
        return;
    }
    char *own_ns = jstrdup(p, jget(p, conf, "pod_namespace"));
    /* The agent's own pod must start while the agent is down: never wait for ourselves. */
    if (own_ns && strcmp(own_ns, ns) == 0 && strncmp(name, "istio-cni-node-", 15) == 0) {
        debugf("pod %s/%s is the node agent itself", ns, name);
        print_result(p, prev);
        return;
    }
    free(own_ns);
    char *run_dir = jstrdup(p, jget(p, conf, "cni_agent_run_dir"));
    char sock[512];
    snprintf(sock, sizeof sock, "%s/" EVENT_SOCKET, run_dir && *run_dir ? run_dir : DEFAULT_RUN_DIR);
    free(run_dir);

    buf_t body = {0};
    buf_str(&body, "{\"Netns\":");
    buf_json(&body, getenv("CNI_NETNS"), strlen(getenv("CNI_NETNS")));
    buf_str(&body, ",\"PodName\":");
    buf_json(&body, name, strlen(name));
    buf_str(&body, ",\"PodNamespace\":");
    buf_json(&body, ns, strlen(ns));
    buf_str(&body, ",\"IPs\":");
    add_ips(&body, p, prev);
    buf_str(&body, "}");
    debugf("pod %s/%s: posting %s to %s", ns, name, body.p, sock);

    buf_t reply = {0};
    int status = post_event(sock, body.p, body.len, &reply);
    if (status != 200) {
        char why[128];
        snprintf(why, sizeof why, "agent answered %d", status);
        buf_t details = {0};
        buf_str(&details, why);
        if (reply.len) {
            buf_str(&details, ": ");
            buf_str(&details, reply.p);
        }
        fail(ERR_TRY_AGAIN_LATER, "istio-cni cmdAdd: the node Istio CNI agent could not capture the pod", details.p);
    }
    print_result(p, prev);
}

int main(void) {
    const char *cmd = env("CNI_COMMAND");
    if (!cmd) fail(ERR_INVALID_ENV, "required env variables [CNI_COMMAND] missing", "");
    int add = strcmp(cmd, "ADD") == 0, check = strcmp(cmd, "CHECK") == 0, del = strcmp(cmd, "DEL") == 0;
    int version = strcmp(cmd, "VERSION") == 0;
    if (!add && !check && !del && !version) {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown CNI_COMMAND: %.64s", cmd);
        fail(ERR_INVALID_ENV, msg, "");
    }
    if (version) {
        print_versions();
        return 0;
    }
    static const char *add_env[] = {"CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_PATH", NULL};
    static const char *del_env[] = {"CNI_CONTAINERID", "CNI_IFNAME", "CNI_PATH", NULL};
    require_env(del ? del_env : add_env);

    size_t len;
    char *in = read_stdin(&len);
    static jtok toks[MAX_TOKENS];
    jparser p = {.s = in, .len = (int)len, .tok = toks};
    int conf = jvalue(&p, 0);
    if (conf >= 0) {
        jws(&p);
        if (p.pos != p.len) p.err = "trailing data after the JSON value";
    }
    if (conf < 0 || p.err) {
        char why[128];
        snprintf(why, sizeof why, "%s at offset %d", p.err ? p.err : "invalid JSON", p.pos);
        fail(ERR_DECODE, "failed to parse network configuration", why);
    }
    if (p.tok[conf].type != J_OBJ) fail(ERR_DECODE, "failed to parse network configuration", "not a JSON object");
    char *v = jstrdup(&p, jget(&p, conf, "cniVersion"));
    if (!v || !*v) fail(ERR_INVALID_CONFIG, "network configuration has no cniVersion", "");
    if (!supported(v)) {
        char msg[160];
        snprintf(msg, sizeof msg, "incompatible CNI versions; config is \"%.32s\", plugin supports 0.1.0 to 1.1.0", v);
        fail(ERR_INCOMPATIBLE_VERSION, msg, "");
    }
    g_version = v;
    char *level = jstrdup(&p, jget(&p, conf, "plugin_log_level"));
    g_debug = level && strcmp(level, "debug") == 0;
    free(level);
    if (add) cmd_add(&p, conf);
    /* CHECK and DEL: nothing to verify or undo in ambient mode; the agent removes pods via its informer. */
    fflush(stdout);
    return 0;
}

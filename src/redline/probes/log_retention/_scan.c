/* The log-retention hot path in C: match each line of a chunk against an nginx log_format template and
 * aggregate in place (line counts, field fill, hours, zones, first/last time, clock going back, future
 * times), so no Python object is made per line. The semantics are those of scan.py's regex path, which
 * stays the reference: tests run both on the same inputs and compare the statistics.
 *
 * Only deterministic templates come here (native.py decides): every variable is followed directly by a
 * literal or ends the line, so matching needs no backtracking and gives what the regex gives.
 * The chunk is scanned with the GIL released; one Scanner belongs to one thread. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

enum { P_LIT = 0, P_ANY = 1, P_TIME = 2, P_STATUS = 3, P_WORD = 4, P_WORD0 = 5 };
#define MAX_PARTS 256
#define MAX_SLOTS 64
#define MAX_EXAMPLES 5
#define ZONES 20000
#define TIME_LEN 26

typedef struct {
    int kind;
    char *lit;
    Py_ssize_t litlen;
    int stop; /* P_ANY: the character that ends it, -1 for the end of the line */
    int slot;
} Part;

typedef struct {
    int64_t *keys;
    int64_t *counts;
    Py_ssize_t size; /* a power of two */
    Py_ssize_t used;
} HourTable;

typedef struct { const char *at; Py_ssize_t len; } Span;

typedef struct {
    PyObject_HEAD
    Part parts[MAX_PARTS];
    int nparts;
    int nslots;
    int time_slot; /* -1: no time role */
    Py_ssize_t max_line;
    int64_t future_after;
    int64_t lines, parsed, blank, unparsed, long_lines, binary_lines, no_time;
    int64_t filled[MAX_SLOTS];
    int has_time;
    int64_t earliest, latest, first, high;
    int64_t backwards, backwards_max;
    int64_t back_at[MAX_EXAMPLES], back_high[MAX_EXAMPLES];
    int nback;
    int64_t future, future_latest;
    int has_future;
    HourTable hours;
    int64_t zones[ZONES];
    int zone_order[ZONES]; /* zones in the order first seen, as a Counter keeps them */
    int nzones;
    int failed; /* out of memory inside the GIL-free scan */
    /* per chunk */
    const char **group;
    Py_ssize_t group_len, group_cap;
    int group_ok; /* so far one zone and byte order in the group (checked as values arrive) */
    Span *rows; /* want_rows x nslots */
    Py_ssize_t nrows, want_rows;
    Span unp[MAX_EXAMPLES];
    Py_ssize_t nunp, want_unparsed;
} Scanner;

static const int64_t EMPTY_KEY = INT64_MIN;

static int hours_init(HourTable *t, Py_ssize_t size) {
    t->keys = PyMem_RawMalloc(sizeof(int64_t) * size);
    t->counts = PyMem_RawCalloc(size, sizeof(int64_t));
    if (!t->keys || !t->counts) return -1;
    for (Py_ssize_t i = 0; i < size; i++) t->keys[i] = EMPTY_KEY;
    t->size = size;
    t->used = 0;
    return 0;
}

static int hours_add(HourTable *t, int64_t key, int64_t n);

static int hours_grow(HourTable *t) {
    HourTable bigger;
    if (hours_init(&bigger, t->size * 2) < 0) {
        PyMem_RawFree(bigger.keys);
        PyMem_RawFree(bigger.counts);
        return -1;
    }
    for (Py_ssize_t i = 0; i < t->size; i++)
        if (t->keys[i] != EMPTY_KEY) hours_add(&bigger, t->keys[i], t->counts[i]);
    PyMem_RawFree(t->keys);
    PyMem_RawFree(t->counts);
    *t = bigger;
    return 0;
}

static int hours_add(HourTable *t, int64_t key, int64_t n) {
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
    Py_ssize_t mask = t->size - 1;
    Py_ssize_t i = (Py_ssize_t)(h >> 20) & mask;
    while (t->keys[i] != EMPTY_KEY && t->keys[i] != key) i = (i + 1) & mask;
    if (t->keys[i] == EMPTY_KEY) {
        if ((t->used + 1) * 2 > t->size) {
            if (hours_grow(t) < 0) return -1;
            return hours_add(t, key, n);
        }
        t->keys[i] = key;
        t->used++;
    }
    t->counts[i] += n;
    return 0;
}

static int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int num2(const char *p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

static int month_of(const char *p) {
    static const char *names = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12; i++)
        if (memcmp(names + 3 * i, p, 3) == 0) return i + 1;
    return 0;
}

static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* `dd/Mon/yyyy:HH` and `+zzzz` -> epoch second of that hour; 0 when the date is invalid (as datetime would
 * refuse it). The shape (digits, letters) is already checked by the matcher. */
static int local_hour(const char *v, int64_t *out) {
    int month = month_of(v + 3);
    int day = num2(v), hour = num2(v + 12);
    int year = num2(v + 7) * 100 + num2(v + 9);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!month || year < 1 || hour > 23 || day < 1) return 0;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > mdays[month - 1] + (month == 2 && leap)) return 0;
    const char *z = v + 21;
    int64_t offset = (int64_t)num2(z + 1) * 3600 + num2(z + 3) * 60;
    if (z[0] == '-') offset = -offset;
    *out = days_from_civil(year, month, day) * 86400 + (int64_t)hour * 3600 - offset;
    return 1;
}

static void count_zone(Scanner *s, const char *v, int64_t n) {
    const char *z = v + 21;
    int at = (z[0] == '-') * 10000 + num2(z + 1) * 100 + num2(z + 3);
    if (!s->zones[at]) s->zone_order[s->nzones++] = at;
    s->zones[at] += n;
}

static int time_shape(const char *p) {
    return is_digit(p[0]) && is_digit(p[1]) && p[2] == '/' && p[3] >= 'A' && p[3] <= 'Z' && p[4] >= 'a' && p[4] <= 'z'
        && p[5] >= 'a' && p[5] <= 'z' && p[6] == '/' && is_digit(p[7]) && is_digit(p[8]) && is_digit(p[9]) && is_digit(p[10])
        && p[11] == ':' && is_digit(p[12]) && is_digit(p[13]) && p[14] == ':' && is_digit(p[15]) && is_digit(p[16])
        && p[17] == ':' && is_digit(p[18]) && is_digit(p[19]) && p[20] == ' ' && (p[21] == '+' || p[21] == '-')
        && is_digit(p[22]) && is_digit(p[23]) && is_digit(p[24]) && is_digit(p[25]);
}

static void went_back(Scanner *s, int64_t at) {
    s->backwards++;
    if (s->high - at > s->backwards_max) s->backwards_max = s->high - at;
    if (s->nback < MAX_EXAMPLES) {
        s->back_at[s->nback] = at;
        s->back_high[s->nback] = s->high;
        s->nback++;
    }
}

static void see_range(Scanner *s, int64_t low, int64_t high) {
    if (!s->has_time) {
        s->has_time = 1;
        s->first = s->earliest = low;
        s->latest = s->high = high;
        return;
    }
    if (low < s->earliest) s->earliest = low;
    if (high > s->latest) s->latest = high;
    if (high > s->high) s->high = high;
}

#define BACKWARDS_TOLERANCE 60

static int one_time(Scanner *s, const char *v) {
    int64_t hour;
    if (!local_hour(v, &hour)) {
        s->no_time++;
        return 0;
    }
    int64_t t = hour + num2(v + 15) * 60 + num2(v + 18);
    if (s->has_time && t < s->high - BACKWARDS_TOLERANCE) went_back(s, t);
    see_range(s, t, t);
    if (hours_add(&s->hours, floor_div(t, 3600), 1) < 0) return -1;
    count_zone(s, v, 1);
    if (t > s->future_after) {
        s->future++;
        if (!s->has_future || t > s->future_latest) s->future_latest = t;
        s->has_future = 1;
    }
    return 0;
}

/* A run of values sharing `dd/Mon/yyyy:HH`: one zone, in byte order, not in the future -> counted at once;
 * otherwise value by value (scan.py `_local_times`). */
static uint64_t load8(const char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint32_t load4(const char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static int flush_group(Scanner *s) {
    Py_ssize_t n = s->group_len;
    if (n == 0) return 0;
    s->group_len = 0;
    const char **g = s->group;
    int64_t hour = 0;
    if (s->group_ok && local_hour(g[0], &hour)) {
        int64_t low = hour + num2(g[0] + 15) * 60 + num2(g[0] + 18);
        int64_t high = hour + num2(g[n - 1] + 15) * 60 + num2(g[n - 1] + 18);
        if (high <= s->future_after) {
            if (s->has_time && low < s->high - BACKWARDS_TOLERANCE) went_back(s, low);
            see_range(s, low, high);
            if (hours_add(&s->hours, floor_div(hour, 3600), n) < 0) return -1;
            count_zone(s, g[0], n);
            return 0;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (one_time(s, g[i]) < 0) return -1;
    return 0;
}

/* The 14-byte hour prefixes are equal: then byte order of the whole value is that of bytes 14..25, and
 * with one zone (bytes 21..25) that of `:MM:SS` (bytes 14..19), compared big-endian. */
static int same_zone_in_order(const char *before, const char *v) {
    if (load4(before + 22) != load4(v + 22) || before[21] != v[21]) return 0;
    return __builtin_bswap64(load8(before + 12)) <= __builtin_bswap64(load8(v + 12));
}

static int add_time(Scanner *s, const char *v) {
    if (s->group_len) {
        const char *head = s->group[0];
        if (load8(head) != load8(v) || load4(head + 8) != load4(v + 8) || head[12] != v[12] || head[13] != v[13]) {
            if (flush_group(s) < 0) return -1;
        } else if (s->group_ok) {
            s->group_ok = same_zone_in_order(s->group[s->group_len - 1], v);
        }
    }
    if (s->group_len == 0) s->group_ok = 1;
    if (s->group_len == s->group_cap) {
        Py_ssize_t cap = s->group_cap ? s->group_cap * 2 : 4096;
        const char **bigger = PyMem_RawRealloc(s->group, sizeof(char *) * cap);
        if (!bigger) return -1;
        s->group = bigger;
        s->group_cap = cap;
    }
    s->group[s->group_len++] = v;
    return 0;
}

/* Python's strict UTF-8 decoder: no overlongs, no surrogates, nothing past U+10FFFF. */
static int valid_utf8(const unsigned char *p, Py_ssize_t n) {
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) { i++; continue; }
        int len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
        else return 0;
        if (i + len > n) return 0;
        if (p[i + 1] < lo || p[i + 1] > hi) return 0;
        for (int k = 2; k < len; k++)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return 0;
        i += len;
    }
    return 1;
}

static int blank_line(const char *p, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = p[i];
        if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')) return 0;
    }
    return 1;
}

static const char *find_byte(const char *p, const char *e, char c) {
    return memchr(p, c, e - p);
}

static int same_bytes(const char *a, const char *b, Py_ssize_t n) {
    if (n > 8) return memcmp(a, b, n) == 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static int match_line(const Scanner *s, const char *p, const char *e, Span *out) {
    for (int i = 0; i < s->nparts; i++) {
        const Part *part = &s->parts[i];
        const char *q;
        switch (part->kind) {
        case P_LIT:
            if (e - p < part->litlen || !same_bytes(p, part->lit, part->litlen)) return 0;
            p += part->litlen;
            continue;
        case P_ANY:
            if (part->stop < 0) q = e;
            else if (!(q = find_byte(p, e, (char)part->stop))) return 0;
            break;
        case P_TIME:
            if (e - p < TIME_LEN || !time_shape(p)) return 0;
            q = p + TIME_LEN;
            break;
        case P_STATUS:
            if (e - p < 3 || !is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2])) return 0;
            q = p + 3;
            break;
        default: /* P_WORD, P_WORD0: [^ \n]+ / [^ \n]* */
            q = find_byte(p, e, ' ');
            if (!q) q = e;
            if (part->kind == P_WORD && q == p) return 0;
        }
        if (part->slot >= 0) {
            out[part->slot].at = p;
            out[part->slot].len = q - p;
        }
        p = q;
    }
    return p == e || (p + 1 == e && *p == '\r'); /* the regex's `\r?$`, after one CR is cut like a newline */
}

static int scan_chunk(Scanner *s, const char *data, Py_ssize_t size) {
    Span values[MAX_SLOTS];
    const char *p = data, *end = data + size;
    s->group_len = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        const char *e = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (e > p && e[-1] == '\r') e--;
        s->lines++;
        Py_ssize_t n = e - p;
        if (n > s->max_line) {
            s->long_lines++;
        } else if (blank_line(p, n)) {
            s->blank++;
        } else if (!match_line(s, p, e, values)) {
            s->unparsed++;
            if (memchr(p, 0, n) || !valid_utf8((const unsigned char *)p, n)) s->binary_lines++;
            if (s->nunp < s->want_unparsed) {
                s->unp[s->nunp].at = p;
                s->unp[s->nunp].len = n;
                s->nunp++;
            }
        } else {
            s->parsed++;
            for (int k = 0; k < s->nslots; k++) {
                const Span *v = &values[k];
                if (!(v->len == 0 || (v->len == 1 && v->at[0] == '-'))) s->filled[k]++;
            }
            if (s->nrows < s->want_rows) {
                memcpy(s->rows + s->nrows * s->nslots, values, sizeof(Span) * s->nslots);
                s->nrows++;
            }
            if (s->time_slot >= 0 && add_time(s, values[s->time_slot].at) < 0) return -1;
        }
        p = next;
    }
    return flush_group(s);
}

static PyObject *Scanner_feed(Scanner *s, PyObject *args) {
    Py_buffer chunk;
    Py_ssize_t want_rows, want_unparsed;
    if (!s->hours.keys) {
        PyErr_SetString(PyExc_RuntimeError, "Scanner not initialised");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*nn", &chunk, &want_rows, &want_unparsed)) return NULL;
    if (want_rows < 0) want_rows = 0;
    if (want_unparsed > MAX_EXAMPLES) want_unparsed = MAX_EXAMPLES;
    if (want_unparsed < 0) want_unparsed = 0;
    Span *rows = want_rows ? PyMem_Malloc(sizeof(Span) * want_rows * (s->nslots ? s->nslots : 1)) : NULL;
    if (want_rows && !rows) {
        PyBuffer_Release(&chunk);
        return PyErr_NoMemory();
    }
    s->rows = rows;
    s->nrows = 0;
    s->want_rows = want_rows;
    s->nunp = 0;
    s->want_unparsed = want_unparsed;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = scan_chunk(s, chunk.buf, chunk.len);
    Py_END_ALLOW_THREADS
    PyObject *result = NULL, *row_list = NULL, *unp_list = NULL;
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    row_list = PyList_New(s->nrows);
    unp_list = PyList_New(s->nunp);
    if (!row_list || !unp_list) goto done;
    for (Py_ssize_t r = 0; r < s->nrows; r++) {
        PyObject *row = PyTuple_New(s->nslots);
        if (!row) goto done;
        PyList_SET_ITEM(row_list, r, row);
        for (int k = 0; k < s->nslots; k++) {
            Span *v = &rows[r * s->nslots + k];
            PyObject *b = PyBytes_FromStringAndSize(v->at, v->len);
            if (!b) goto done;
            PyTuple_SET_ITEM(row, k, b);
        }
    }
    for (Py_ssize_t u = 0; u < s->nunp; u++) {
        PyObject *b = PyBytes_FromStringAndSize(s->unp[u].at, s->unp[u].len);
        if (!b) goto done;
        PyList_SET_ITEM(unp_list, u, b);
    }
    result = PyTuple_Pack(2, row_list, unp_list);
done:
    Py_XDECREF(row_list);
    Py_XDECREF(unp_list);
    PyMem_Free(rows);
    s->rows = NULL;
    PyBuffer_Release(&chunk);
    return result;
}

static int set_int(PyObject *d, const char *key, int64_t value) {
    PyObject *v = PyLong_FromLongLong(value);
    int rc = v ? PyDict_SetItemString(d, key, v) : -1;
    Py_XDECREF(v);
    return rc;
}

static int set_opt(PyObject *d, const char *key, int has, int64_t value) {
    if (has) return set_int(d, key, value);
    return PyDict_SetItemString(d, key, Py_None);
}

static PyObject *Scanner_result(Scanner *s, PyObject *Py_UNUSED(ignored)) {
    PyObject *d = PyDict_New(), *filled = NULL, *hours = NULL, *zones = NULL, *back = NULL;
    if (!d) return NULL;
    if (set_int(d, "lines", s->lines) || set_int(d, "parsed", s->parsed) || set_int(d, "blank", s->blank)
        || set_int(d, "unparsed", s->unparsed) || set_int(d, "long_lines", s->long_lines)
        || set_int(d, "binary_lines", s->binary_lines) || set_int(d, "no_time", s->no_time)
        || set_int(d, "backwards", s->backwards) || set_int(d, "backwards_max", s->backwards_max)
        || set_int(d, "future", s->future) || set_opt(d, "future_latest", s->has_future, s->future_latest)
        || set_opt(d, "earliest", s->has_time, s->earliest) || set_opt(d, "latest", s->has_time, s->latest)
        || set_opt(d, "first", s->has_time, s->first) || set_opt(d, "high", s->has_time, s->high))
        goto fail;
    if (!(filled = PyList_New(s->nslots))) goto fail;
    for (int k = 0; k < s->nslots; k++) {
        PyObject *v = PyLong_FromLongLong(s->filled[k]);
        if (!v) goto fail;
        PyList_SET_ITEM(filled, k, v);
    }
    if (!(hours = PyDict_New()) || !(zones = PyDict_New()) || !(back = PyList_New(s->nback))) goto fail;
    for (Py_ssize_t i = 0; i < s->hours.size; i++) {
        if (s->hours.keys[i] == EMPTY_KEY) continue;
        PyObject *k = PyLong_FromLongLong(s->hours.keys[i]), *v = PyLong_FromLongLong(s->hours.counts[i]);
        int rc = (k && v) ? PyDict_SetItem(hours, k, v) : -1;
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (rc < 0) goto fail;
    }
    for (int i = 0; i < s->nzones; i++) {
        int z = s->zone_order[i];
        char name[8];
        snprintf(name, sizeof name, "%c%04d", z >= 10000 ? '-' : '+', z % 10000);
        PyObject *v = PyLong_FromLongLong(s->zones[z]);
        int rc = v ? PyDict_SetItemString(zones, name, v) : -1;
        Py_XDECREF(v);
        if (rc < 0) goto fail;
    }
    for (int i = 0; i < s->nback; i++) {
        PyObject *pair = Py_BuildValue("(LL)", (long long)s->back_at[i], (long long)s->back_high[i]);
        if (!pair) goto fail;
        PyList_SET_ITEM(back, i, pair);
    }
    if (PyDict_SetItemString(d, "filled", filled) || PyDict_SetItemString(d, "hours", hours)
        || PyDict_SetItemString(d, "zones", zones) || PyDict_SetItemString(d, "backwards_examples", back))
        goto fail;
    Py_DECREF(filled);
    Py_DECREF(hours);
    Py_DECREF(zones);
    Py_DECREF(back);
    return d;
fail:
    Py_XDECREF(filled);
    Py_XDECREF(hours);
    Py_XDECREF(zones);
    Py_XDECREF(back);
    Py_DECREF(d);
    return NULL;
}

/* Scanner(parts, nslots, time_slot, future_after, max_line); parts: (kind, literal, stop, slot) tuples. */
static int Scanner_init(Scanner *s, PyObject *args, PyObject *kwds) {
    PyObject *parts;
    int nslots, time_slot;
    long long future_after;
    Py_ssize_t max_line;
    if (!PyArg_ParseTuple(args, "O!iiLn", &PyList_Type, &parts, &nslots, &time_slot, &future_after, &max_line))
        return -1;
    Py_ssize_t n = PyList_GET_SIZE(parts);
    if (n < 1 || n > MAX_PARTS || nslots < 0 || nslots > MAX_SLOTS || time_slot >= nslots || max_line < 0) {
        PyErr_SetString(PyExc_ValueError, "template out of bounds");
        return -1;
    }
    if (s->nparts || s->hours.keys) {
        PyErr_SetString(PyExc_RuntimeError, "Scanner initialised twice");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Part *part = &s->parts[i];
        const char *lit;
        Py_ssize_t litlen;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(parts, i), "iy#ii", &part->kind, &lit, &litlen, &part->stop,
                              &part->slot))
            return -1;
        if (part->kind < P_LIT || part->kind > P_WORD0 || part->slot >= nslots || part->stop > 255) {
            PyErr_SetString(PyExc_ValueError, "bad template part");
            return -1;
        }
        part->lit = PyMem_RawMalloc(litlen + 1);
        if (!part->lit) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(part->lit, lit, litlen);
        part->litlen = litlen;
        s->nparts = (int)i + 1;
    }
    s->nslots = nslots;
    s->time_slot = time_slot;
    s->future_after = future_after;
    s->max_line = max_line;
    if (hours_init(&s->hours, 1024) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void Scanner_dealloc(Scanner *s) {
    for (int i = 0; i < s->nparts; i++) PyMem_RawFree(s->parts[i].lit);
    PyMem_RawFree(s->hours.keys);
    PyMem_RawFree(s->hours.counts);
    PyMem_RawFree(s->group);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static PyMethodDef Scanner_methods[] = {
    {"feed", (PyCFunction)Scanner_feed, METH_VARARGS,
     "feed(chunk, want_rows, want_unparsed) -> (first parsed rows, first unparsed lines) of this chunk"},
    {"result", (PyCFunction)Scanner_result, METH_NOARGS, "the statistics so far, as a dict"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "redline.probes.log_retention._scan.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Aggregates log lines matched against one template.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scanner_init,
    .tp_dealloc = (destructor)Scanner_dealloc,
    .tp_methods = Scanner_methods,
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT, "_scan", "The log-retention scanner in C.", -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__scan(void) {
    if (PyType_Ready(&ScannerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&scan_module);
    if (!m) return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(m, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

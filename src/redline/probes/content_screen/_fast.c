/* The content-screen hot paths in C, each giving exactly what its Python reference gives (tests compare them
 * on generated text):
 *   letters(text)               letters by script (scripts.count_scripts, for Han, Latin and kana)
 *   spaced_regions(text)        matcher._regions: the spaced regions, merged, in one left-to-right pass
 *   bare(text, regions, inner, longest)
 *                               the letters and digits of those regions around the separators, joined by line
 *                               feeds, and where each one stands in `text` (fast.bare_text)
 *   fold(text, kinds, table)    normalise.normalise where it keeps offsets: characters mapped one to one and
 *                               lower-cased; None where a character needs normalise's slower path
 *   spam_lines(text, main, places, suffixes)
 *                               the lines the spam detector must look at (spam._candidate_lines): a line no
 *                               detector can report is left out, so Python sees a few lines instead of all.
 * The character classes are those of Python's `re` on str: \w is str.isalnum (plus '_'), \s str.isspace. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
    unsigned short *f; /* the classes of each character (flags_of), or NULL */
    struct Memo *memo; /* the last run found of each class run_end remembers, or NULL */
} Text;

/* The branches of a spaced region start at the same places and measure the same runs: the last run of
 * letters and digits, of Chinese characters and of Latin letters is remembered (start, end). */
typedef struct Memo {
    Py_ssize_t at[3], end[3];
} Memo;

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

enum { F_ALNUM = 1, F_SPACE = 2, F_CJK = 4, F_LATIN = 8, F_PUNCT = 16, F_SYMBOL = 32, F_PARTING = 64, F_ALPHA = 128,
       F_LINEBREAK = 256, F_SENTENCE_END = 512, F_HAN = 1024 };
static const Py_UCS4 SYMBOLS[] = {'*', 0xb7, 0x2022, 0x30fb, '_', '-', '|', '/', '\\', '~', '^', '#', '+', '=', '&',
                                  '@', '%', '$', 0xb0, 0xd7, 0x203b, 0x2605, 0x2606, 0x2665, 0x2661, 0x25c6,
                                  0x25c7, 0x25a0, 0x25a1, 0x25b2, 0x25b3, 0x25cb, 0x25cf};
static const Py_UCS4 PARTING_CHARS[] = {',', 0xff0c, 0x3001, '|', 0xff5c, '/', ';', 0xff1b, ':', 0xff1a, 0xb7,
                                        0x2022, '_', '-', 0x2014, '~', 0xff5e, '>', 0xbb};

static int listed(const Py_UCS4 *list, size_t n, Py_UCS4 c) {
    for (size_t k = 0; k < n; k++)
        if (list[k] == c) return 1;
    return 0;
}

/* Every class a character belongs to, as bits (a table for the Basic Multilingual Plane, built once). */
static unsigned short classes_of(Py_UCS4 c) {
    unsigned short f = 0;
    if (Py_UNICODE_ISALNUM(c)) f |= F_ALNUM;
    if (Py_UNICODE_ISALPHA(c)) f |= F_ALPHA;
    if (Py_UNICODE_ISSPACE(c)) f |= F_SPACE | F_PARTING;
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ffff)) f |= F_CJK;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) f |= F_LATIN;
    if ((c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e))
        f |= F_PUNCT;
    if (listed(SYMBOLS, sizeof(SYMBOLS) / sizeof(SYMBOLS[0]), c)) f |= F_SYMBOL;
    if (listed(PARTING_CHARS, sizeof(PARTING_CHARS) / sizeof(PARTING_CHARS[0]), c)) f |= F_PARTING;
    if (Py_UNICODE_ISLINEBREAK(c)) f |= F_LINEBREAK;
    if ((f & F_CJK) && (f & F_ALNUM)) f |= F_HAN;
    if (c == 0x3002 || c == 0xff01 || c == 0xff1f || c == '!' || c == '?') f |= F_SENTENCE_END;
    return f;
}

static unsigned short BMP[0x10000];

static inline unsigned short flags(Py_UCS4 c) { return c < 0x10000 ? BMP[c] : classes_of(c); }
static int alnum(Py_UCS4 c) { return flags(c) & F_ALNUM; }
static int space(Py_UCS4 c) { return flags(c) & F_SPACE; }
static int cjk(Py_UCS4 c) { return flags(c) & F_CJK; }
static int han_letter(Py_UCS4 c) { return (flags(c) & (F_CJK | F_ALNUM)) == (F_CJK | F_ALNUM); }
static int latin(Py_UCS4 c) { return flags(c) & F_LATIN; }
static int punct(Py_UCS4 c) { return flags(c) & F_PUNCT; }
static int symbol(Py_UCS4 c) { return flags(c) & F_SYMBOL; }

typedef unsigned short Class; /* a mask of F_ bits: a character is in the class when it has one of them */

static inline Py_ssize_t run_end(const Text *t, Py_ssize_t i, Class in) {
    int k = in == F_ALNUM ? 0 : in == F_CJK ? 1 : in == F_LATIN ? 2 : -1;
    if (k >= 0 && t->memo && t->memo->at[k] == i) return t->memo->end[k];
    Py_ssize_t start = i;
    while (i < t->n && (t->f[i] & in)) i++;
    if (k >= 0 && t->memo) {
        t->memo->at[k] = start;
        t->memo->end[k] = i;
    }
    return i;
}

/* Length of the run of `in` characters at i, counted up to `most` + 1 (so "more than most" shows). */
static inline Py_ssize_t run_len(const Text *t, Py_ssize_t i, Class in, Py_ssize_t most) {
    Py_ssize_t r = 0;
    while (i + r < t->n && r <= most && (t->f[i + r] & in)) r++;
    return r;
}

static inline int before_is(const Text *t, Py_ssize_t i, Class in) { return i > 0 && (t->f[i - 1] & in); }

/* W(?:S{1,3}W(?!W)){2,} at i, S being any character not a letter or digit. */
static Py_ssize_t single_letters(const Text *t, Py_ssize_t i) {
    if (i >= t->n || !(t->f[i] & F_ALNUM)) return -1;
    Py_ssize_t j = i + 1, count = 0;
    for (;;) {
        Py_ssize_t r = 0;
        while (j + r < t->n && r <= 3 && !(t->f[j + r] & F_ALNUM)) r++;
        Py_ssize_t k = j + r;
        if (r < 1 || r > 3 || k >= t->n || !(t->f[k] & F_ALNUM)) break;
        if (k + 1 < t->n && (t->f[k + 1] & F_ALNUM)) break;
        j = k + 1;
        count++;
    }
    return count >= 2 ? j : -1;
}

/* W+(?:SYM{1,3}W+)+ at i. */
static Py_ssize_t symbol_joined(const Text *t, Py_ssize_t i) {
    if (i >= t->n || !(t->f[i] & F_ALNUM)) return -1;
    Py_ssize_t j = run_end(t, i, F_ALNUM), count = 0;
    for (;;) {
        Py_ssize_t r = run_len(t, j, F_SYMBOL, 3);
        if (r < 1 || r > 3 || j + r >= t->n || !(t->f[j + r] & F_ALNUM)) break;
        j = run_end(t, j + r, F_ALNUM);
        count++;
    }
    return count >= 1 ? j : -1;
}

/* CJK(?:PUNCT CJK){2,} at i. */
static Py_ssize_t punct_joined(const Text *t, Py_ssize_t i) {
    if (i >= t->n || !(t->f[i] & F_CJK)) return -1;
    Py_ssize_t j = i + 1, count = 0;
    while (j + 1 < t->n && (t->f[j] & F_PUNCT) && (t->f[j + 1] & F_CJK)) {
        j += 2;
        count++;
    }
    return count >= 2 ? j : -1;
}

/* CJK+(?:\s{1,3}CJK+)+(?:\s{0,3}LATIN+)? at i. */
static Py_ssize_t spaced_cjk(const Text *t, Py_ssize_t i) {
    if (i >= t->n || !(t->f[i] & F_CJK)) return -1;
    Py_ssize_t j = run_end(t, i, F_CJK), count = 0;
    for (;;) {
        Py_ssize_t r = run_len(t, j, F_SPACE, 3);
        if (r < 1 || r > 3 || j + r >= t->n || !(t->f[j + r] & F_CJK)) break;
        j = run_end(t, j + r, F_CJK);
        count++;
    }
    if (count < 1) return -1;
    Py_ssize_t r = run_len(t, j, F_SPACE, 3);
    if (r <= 3 && j + r < t->n && (t->f[j + r] & F_LATIN)) j = run_end(t, j + r, F_LATIN);
    return j;
}

/* LATIN+\s{0,3} before spaced_cjk, at i. */
static Py_ssize_t latin_then_spaced_cjk(const Text *t, Py_ssize_t i) {
    if (i >= t->n || !(t->f[i] & F_LATIN)) return -1;
    Py_ssize_t j = run_end(t, i, F_LATIN);
    Py_ssize_t r = run_len(t, j, F_SPACE, 3);
    if (r > 3) return -1;
    return spaced_cjk(t, j + r);
}

/* A run of `first`, 1-3 white space characters, a run of `second`, at i. */
static Py_ssize_t two_runs(const Text *t, Py_ssize_t i, Class first, Class second) {
    if (i >= t->n || !(t->f[i] & first)) return -1;
    Py_ssize_t j = run_end(t, i, first);
    Py_ssize_t r = run_len(t, j, F_SPACE, 3);
    if (r < 1 || r > 3 || j + r >= t->n || !(t->f[j + r] & second)) return -1;
    return run_end(t, j + r, second);
}

/* matcher.SPACED_REGION.match at i (the branches in order; lookbehind sees the text before i). */
static Py_ssize_t region_at(const Text *t, Py_ssize_t i) {
    Py_ssize_t e;
    if (!before_is(t, i, F_ALNUM) && (e = single_letters(t, i)) >= 0) return e;
    if ((e = symbol_joined(t, i)) >= 0) return e;
    if ((e = punct_joined(t, i)) >= 0) return e;
    if ((e = latin_then_spaced_cjk(t, i)) >= 0) return e;
    if ((e = spaced_cjk(t, i)) >= 0) return e;
    if ((e = two_runs(t, i, F_LATIN, F_CJK)) >= 0) return e;
    return two_runs(t, i, F_CJK, F_LATIN);
}

/* matcher.SPACED_REGION_INSIDE.match at i. */
static Py_ssize_t region_inside(const Text *t, Py_ssize_t i) {
    if (i > 0 && (t->f[i - 1] & F_HAN) && (t->f[i] & F_HAN) && !(i + 1 < t->n && (t->f[i + 1] & F_PUNCT))) return -1;
    int after_word = before_is(t, i, F_ALNUM), after_latin = before_is(t, i, F_LATIN), after_cjk = before_is(t, i, F_CJK);
    Py_ssize_t e;
    if (!after_word && (e = single_letters(t, i)) >= 0) return e;
    if (!after_word && (e = symbol_joined(t, i)) >= 0) return e;
    if ((e = punct_joined(t, i)) >= 0) return e;
    if (!after_latin && (e = latin_then_spaced_cjk(t, i)) >= 0) return e;
    if (!after_cjk && (e = spaced_cjk(t, i)) >= 0) return e;
    if (!after_latin && (e = two_runs(t, i, F_LATIN, F_CJK)) >= 0) return e;
    if (!after_cjk) return two_runs(t, i, F_CJK, F_LATIN);
    return -1;
}

/* t->f: the classes of every character, so the scans below read one small array */
static int flags_of(Text *t) {
    t->f = PyMem_Malloc(sizeof(unsigned short) * (t->n + 1));
    if (!t->f) {
        PyErr_NoMemory();
        return -1;
    }
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = t->data;
        for (Py_ssize_t i = 0; i < t->n; i++) t->f[i] = BMP[d[i]];
    } else if (t->kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *d = t->data;
        for (Py_ssize_t i = 0; i < t->n; i++) t->f[i] = BMP[d[i]];
    } else {
        const Py_UCS4 *d = t->data;
        for (Py_ssize_t i = 0; i < t->n; i++) t->f[i] = d[i] < 0x10000 ? BMP[d[i]] : classes_of(d[i]);
    }
    t->f[t->n] = 0;
    return 0;
}

static int text_of(PyObject *obj, Text *t) {
    if (!PyUnicode_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "a str is needed");
        return -1;
    }
    if (PyUnicode_READY(obj) < 0) return -1;
    t->kind = PyUnicode_KIND(obj);
    t->data = PyUnicode_DATA(obj);
    t->n = PyUnicode_GET_LENGTH(obj);
    t->f = NULL;
    t->memo = NULL;
    return 0;
}

static int append_pair(PyObject *list, Py_ssize_t a, Py_ssize_t b) {
    PyObject *pair = Py_BuildValue("(nn)", a, b);
    if (!pair) return -1;
    int failed = PyList_Append(list, pair);
    Py_DECREF(pair);
    return failed;
}

static PyObject *spaced_regions(PyObject *self, PyObject *arg) {
    Text t;
    if (text_of(arg, &t) < 0 || flags_of(&t) < 0) return NULL;
    Memo memo = {{-1, -1, -1}, {0, 0, 0}};
    t.memo = &memo;
    const unsigned short *f = t.f;
    PyObject *out = PyList_New(0);
    if (!out) goto fail;
    Py_ssize_t pos = 0, cur_start = -1, cur_end = -1;
    while (pos < t.n) {
        Py_ssize_t start = pos, end = region_at(&t, pos);
        if (end < 0) {
            for (start = pos + 1; start < t.n; start++) {
                if ((f[start - 1] & F_HAN) && (f[start] & F_HAN) && !(f[start + 1] & F_PUNCT))
                    continue; /* inside a run of Chinese letters: region_inside turns it away at once */
                if ((end = region_inside(&t, start)) >= 0) break;
            }
            if (end < 0) break;
        }
        int merge = cur_start >= 0 && start - cur_end <= 3;
        for (Py_ssize_t k = cur_end; merge && k < start; k++)
            if ((t.f[k] & F_ALNUM)) merge = 0;
        if (merge) {
            cur_end = end;
        } else {
            if (cur_start >= 0 && append_pair(out, cur_start, cur_end) < 0) goto fail;
            cur_start = start;
            cur_end = end;
        }
        pos = end;
    }
    if (cur_start >= 0 && append_pair(out, cur_start, cur_end) < 0) goto fail;
    PyMem_Free(t.f);
    return out;
fail:
    PyMem_Free(t.f);
    Py_XDECREF(out);
    return NULL;
}

/* Whether a character stands after the first place of some spaced term (every character outside the BMP
 * counts as one: a wrong "yes" only widens a window). */
static unsigned char INNER_BITS[0x10000 / 8];
static PyObject *INNER = NULL;

static int index_inner(PyObject *inner) {
    if (inner == INNER) return 0;
    memset(INNER_BITS, 0, sizeof(INNER_BITS));
    for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(inner); k++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(inner, k);
        if (c < 0x10000) INNER_BITS[c >> 3] |= (unsigned char)(1 << (c & 7));
    }
    Py_XDECREF(INNER);
    Py_INCREF(inner);
    INNER = inner;
    return 0;
}

static inline int inner_char(Py_UCS4 c) { return c >= 0x10000 || ((INNER_BITS[c >> 3] >> (c & 7)) & 1); }

typedef struct {
    Py_UCS4 *chars;
    int64_t *where;
    Py_ssize_t used;
} Out;

/* The windows of one region's letters `c[0:m]` (offsets `w`) where a match with a separator inside can be:
 * around each place where a separator was taken out, `longest` - 1 letters on each side, widened on both
 * sides to a letter that no term holds after its first place (where the leftmost-longest scan of the whole
 * region must pass, so a window's matches are the region's). Each window goes to `out` after a line feed. */
static void emit(const Py_UCS4 *c, const int64_t *w, Py_ssize_t lo, Py_ssize_t hi, Out *out) {
    if (out->used) {
        out->chars[out->used] = '\n';
        out->where[out->used++] = -1;
    }
    for (Py_ssize_t k = lo; k < hi; k++) {
        out->chars[out->used] = c[k];
        out->where[out->used++] = w[k];
    }
}

static void windows(const Py_UCS4 *c, const int64_t *w, Py_ssize_t m, Py_ssize_t longest, Out *out) {
    Py_ssize_t open_lo = -1, open_hi = -1;
    for (Py_ssize_t i = 1; i < m; i++) {
        if (w[i] - w[i - 1] <= 1) continue;
        Py_ssize_t lo = i - (longest - 1) > 0 ? i - (longest - 1) : 0;
        while (lo > 0 && inner_char(c[lo])) lo--;
        Py_ssize_t hi = i + longest - 1 < m ? i + longest - 1 : m;
        while (hi < m && inner_char(c[hi])) hi++;
        if (open_lo >= 0 && lo <= open_hi) {
            if (hi > open_hi) open_hi = hi;
            continue;
        }
        if (open_lo >= 0) emit(c, w, open_lo, open_hi, out);
        open_lo = lo;
        open_hi = hi;
    }
    if (open_lo >= 0) emit(c, w, open_lo, open_hi, out);
}

static PyObject *bare(PyObject *self, PyObject *args) {
    PyObject *text, *regions, *inner;
    Py_ssize_t longest;
    if (!PyArg_ParseTuple(args, "UO!Un", &text, &PyList_Type, &regions, &inner, &longest)) return NULL;
    Text t;
    if (text_of(text, &t) < 0 || index_inner(inner) < 0) return NULL;
    if (longest < 1) longest = 1;
    Py_ssize_t count = PyList_GET_SIZE(regions), total = 0, widest = 0;
    for (Py_ssize_t r = 0; r < count; r++) {
        Py_ssize_t a, b;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(regions, r), "nn", &a, &b)) return NULL;
        if (a < 0 || b > t.n || a > b) {
            PyErr_SetString(PyExc_ValueError, "region out of the text");
            return NULL;
        }
        total += b - a + 1;
        if (b - a > widest) widest = b - a;
    }
    Out out = {PyMem_Malloc(sizeof(Py_UCS4) * (total + 1)), PyMem_Malloc(sizeof(int64_t) * (total + 1)), 0};
    Py_UCS4 *c = PyMem_Malloc(sizeof(Py_UCS4) * (widest + 1));
    int64_t *w = PyMem_Malloc(sizeof(int64_t) * (widest + 1));
    PyObject *result = NULL;
    if (!out.chars || !out.where || !c || !w) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t r = 0; r < count; r++) {
        Py_ssize_t a, b, m = 0;
        PyArg_ParseTuple(PyList_GET_ITEM(regions, r), "nn", &a, &b);
        for (Py_ssize_t k = a; k < b; k++) {
            Py_UCS4 ch = AT(&t, k);
            if (alnum(ch)) {
                c[m] = ch;
                w[m++] = k;
            }
        }
        windows(c, w, m, longest, &out);
    }
    PyObject *s = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out.chars, out.used);
    PyObject *where = PyBytes_FromStringAndSize((const char *)out.where, (Py_ssize_t)sizeof(int64_t) * out.used);
    if (s && where)
        result = Py_BuildValue("(NN)", s, where);
    else {
        Py_XDECREF(s);
        Py_XDECREF(where);
    }
done:
    PyMem_Free(out.chars);
    PyMem_Free(out.where);
    PyMem_Free(c);
    PyMem_Free(w);
    return result;
}

/* Letters by script: Han, Latin, kana counts and first offsets, and the first offset of another letter. */
/* The script of a character for `letters`: 0 Han, 1 Latin, 2 kana (letters of scripts.LOW_SCRIPTS), 3 a
 * letter of another script, 4 not a letter. A table for the Basic Multilingual Plane, built once. */
static unsigned char SCRIPT[0x10000];

static unsigned char script_of(Py_UCS4 c) {
    if (c < 0x80) return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? 1 : 4;
    if (!(flags(c) & F_ALPHA)) return 4;
    if ((c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || c >= 0x20000) return 0;
    if (c >= 0xff21 && c <= 0xff5a) return 1;
    if (c >= 0x3040 && c <= 0x30ff) return 2;
    return 3;
}

/* One loop a storage width, so the compiler sees plain array reads (and the GIL is let go meanwhile: the str
 * is immutable and referenced by the caller). */
#define COUNT_LETTERS(TYPE, SCRIPT_AT)                                                                            \
    do {                                                                                                          \
        const TYPE *d = (const TYPE *)t.data;                                                                     \
        for (Py_ssize_t i = 0; i < t.n; i++) {                                                                    \
            unsigned char s = SCRIPT_AT;                                                                          \
            count[s]++;                                                                                           \
            if (first[s] < 0) first[s] = i;                                                                       \
        }                                                                                                         \
    } while (0)

static PyObject *letters(PyObject *self, PyObject *arg) {
    Text t;
    if (text_of(arg, &t) < 0) return NULL;
    Py_ssize_t count[5] = {0, 0, 0, 0, 0}, first[5] = {-1, -1, -1, -1, -1};
    Py_BEGIN_ALLOW_THREADS
    if (t.kind == PyUnicode_1BYTE_KIND)
        COUNT_LETTERS(Py_UCS1, SCRIPT[d[i]]);
    else if (t.kind == PyUnicode_2BYTE_KIND)
        COUNT_LETTERS(Py_UCS2, SCRIPT[d[i]]);
    else
        COUNT_LETTERS(Py_UCS4, d[i] < 0x10000 ? SCRIPT[d[i]] : script_of(d[i]));
    Py_END_ALLOW_THREADS
    return Py_BuildValue("((nn)(nn)(nn)n)", count[0], first[0], count[1], first[1], count[2], first[2], first[3]);
}

/* kinds[c] for a BMP character: 0 untouched by every transform but lower-casing, 1 replaced by table[c] (already
 * lower case), 2 anything else (a cluster, a character that vanishes, Σ whose lower case depends on its
 * neighbours): then None, and normalise takes its own path. Characters outside the BMP are all 2. */
static PyObject *fold(PyObject *self, PyObject *args) {
    PyObject *text, *table;
    Py_buffer kinds;
    if (!PyArg_ParseTuple(args, "Uy*U", &text, &kinds, &table)) return NULL;
    Text t;
    if (text_of(text, &t) < 0 || kinds.len != 0x10000 || PyUnicode_GET_LENGTH(table) != 0x10000) {
        PyBuffer_Release(&kinds);
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "kinds and table cover the BMP");
        return NULL;
    }
    const unsigned char *kind = kinds.buf;
    int table_kind = PyUnicode_KIND(table);
    const void *table_data = PyUnicode_DATA(table);
    Py_UCS4 *out = PyMem_Malloc(sizeof(Py_UCS4) * (t.n + 1));
    if (!out) {
        PyBuffer_Release(&kinds);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < t.n; i++) {
        Py_UCS4 c = AT(&t, i);
        int k = c < 0x10000 ? kind[c] : 2;
        if (k == 2) {
            PyMem_Free(out);
            PyBuffer_Release(&kinds);
            Py_RETURN_NONE;
        }
        out[i] = k == 1 ? PyUnicode_READ(table_kind, table_data, c) : (c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c)
                                                                               : Py_UNICODE_TOLOWER(c));
    }
    PyBuffer_Release(&kinds);
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, t.n);
    PyMem_Free(out);
    return result;
}

/* --- spam lines ------------------------------------------------------------------------------------- */

static int linebreak(Py_UCS4 c) { return flags(c) & F_LINEBREAK; }

static int sentence_end(Py_UCS4 c) { return flags(c) & F_SENTENCE_END; }

static int parting(Py_UCS4 c) { return flags(c) & F_PARTING; }

/* spam._may_be_stuffed on line [a, b) */
static int may_be_stuffed(const Text *t, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t visible = 0;
    for (Py_ssize_t k = a; k < b; k++)
        if (!(t->f[k] & F_SPACE)) visible++;
    Py_ssize_t start = a, parted = 0;
    for (Py_ssize_t k = a; k <= b; k++) {
        if (k == b || (t->f[k] & F_SENTENCE_END)) {
            Py_ssize_t length = k - start;
            if (parted >= 19 || (parted >= 9 && (double)length >= 0.6 * (double)visible)) return 1;
            start = k + 1;
            parted = 0;
        } else if ((t->f[k] & F_PARTING)) {
            parted++;
        }
    }
    return 0;
}

/* Whether line [a, b) holds 10 (spam.MIN_STUFFED) short pieces in a row between PARTING characters: a run of
 * that many list tokens (spam._list_token: at most 24 characters, 10 if not ASCII) needs them, as each
 * token is one or more such pieces, and a piece too long for a list token breaks every run. */
static int short_pieces(const Text *t, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t run = 0, length = 0;
    int ascii = 1;
    for (Py_ssize_t k = a; k <= b; k++) {
        if (k == b || (t->f[k] & F_PARTING)) {
            if (length > (ascii ? 24 : 10))
                run = 0;
            else if (length > 0 && ++run >= 10)
                return 1;
            length = 0;
            ascii = 1;
        } else {
            length++;
            if (AT(t, k) >= 0x80) ascii = 0;
        }
    }
    return 0;
}

static Py_UCS4 folded(Py_UCS4 c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c == 0x130 || c == 0x131) return 'i';
    if (c == 0x17f) return 's';
    if (c == 0x212a) return 'k';
    return c;
}

static int starts_with(const Text *t, Py_ssize_t i, const char *word) {
    for (Py_ssize_t k = 0; word[k]; k++)
        if (i + k >= t->n || folded(AT(t, i + k)) != (Py_UCS4)word[k]) return 0;
    return 1;
}

static int starts_with_str(const Text *t, Py_ssize_t i, PyObject *word) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(word);
    if (i + n > t->n) return 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (AT(t, i + k) != PyUnicode_READ_CHAR(word, k)) return 0;
    return 1;
}

static const char *TLDS[] = {"com", "cn",   "net",    "org",  "info", "top", "xyz", "cc", "vip", "site",
                             "online", "shop", "club", "io", "me",   "tv",  "hk",  "tw", NULL};

/* The places (sorted) starting with each BMP character: PLACE_FROM[c] and the PLACE_COUNT[c] after it. */
static unsigned short PLACE_FROM[0x10000];
static unsigned char PLACE_COUNT[0x10000];
static PyObject *INDEXED = NULL; /* the places tuple they index */

static int index_places(PyObject *places) {
    if (places == INDEXED) return 0;
    Py_ssize_t n = PyTuple_GET_SIZE(places);
    if (n > 60000) {
        PyErr_SetString(PyExc_ValueError, "too many places");
        return -1;
    }
    memset(PLACE_COUNT, 0, sizeof(PLACE_COUNT));
    for (Py_ssize_t p = n - 1; p >= 0; p--) {
        Py_UCS4 c = PyUnicode_READ_CHAR(PyTuple_GET_ITEM(places, p), 0);
        if (p + 1 < n && PyUnicode_READ_CHAR(PyTuple_GET_ITEM(places, p + 1), 0) < c) {
            PyErr_SetString(PyExc_ValueError, "places must be sorted");
            return -1;
        }
        if (PLACE_COUNT[c] == 255) {
            PyErr_SetString(PyExc_ValueError, "too many places with one first character");
            return -1;
        }
        PLACE_FROM[c] = (unsigned short)p;
        PLACE_COUNT[c]++;
    }
    Py_XDECREF(INDEXED);
    Py_INCREF(places);
    INDEXED = places;
    return 0;
}

/* Whether some branch of spam.PLACE_MARK matches at i (so the number of such places bounds its findall). */
static int place_mark_at(const Text *t, Py_ssize_t i, PyObject *places, PyObject *suffixes) {
    Py_UCS4 c = AT(t, i);
    if (c >= 0x80) {
        Py_ssize_t lo = PLACE_FROM[c], hi = lo + PLACE_COUNT[c]; /* the places starting with c */
        for (Py_ssize_t p = lo; p < hi; p++)
            if (starts_with_str(t, i, PyTuple_GET_ITEM(places, p))) return 1;
        if (i > 0 && AT(t, i - 1) >= 0x4e00 && AT(t, i - 1) <= 0x9fff)
            for (Py_ssize_t p = 0; p < PyTuple_GET_SIZE(suffixes); p++)
                if (starts_with_str(t, i, PyTuple_GET_ITEM(suffixes, p))) return 1;
    }
    if (starts_with(t, i, "http://") || starts_with(t, i, "https://") || starts_with(t, i, "www.")) return 1;
    if (c == '.')
        for (int k = 0; TLDS[k]; k++)
            if (starts_with(t, i + 1, TLDS[k])) return 1;
    return 0;
}

static PyObject *spam_lines(PyObject *self, PyObject *args) {
    PyObject *text, *places, *suffixes;
    int main_script;
    if (!PyArg_ParseTuple(args, "UiO!O!", &text, &main_script, &PyTuple_Type, &places, &PyTuple_Type, &suffixes))
        return NULL;
    unsigned char firsts[0x10000 / 8] = {0}; /* first characters of places and suffixes (all in the BMP) */
    PyObject *lists[2] = {places, suffixes};
    for (int l = 0; l < 2; l++)
        for (Py_ssize_t p = 0; p < PyTuple_GET_SIZE(lists[l]); p++) {
            PyObject *word = PyTuple_GET_ITEM(lists[l], p);
            if (!PyUnicode_Check(word) || PyUnicode_READY(word) < 0 || PyUnicode_GET_LENGTH(word) < 1 ||
                PyUnicode_READ_CHAR(word, 0) >= 0x10000) {
                PyErr_SetString(PyExc_TypeError, "places and suffixes are non-empty str starting in the BMP");
                return NULL;
            }
            Py_UCS4 c = PyUnicode_READ_CHAR(word, 0);
            firsts[c >> 3] |= (unsigned char)(1 << (c & 7));
        }
    if (index_places(places) < 0) return NULL;
    Text t;
    if (text_of(text, &t) < 0 || flags_of(&t) < 0) return NULL;
    PyObject *out = PyList_New(0);
    if (!out) {
        PyMem_Free(t.f);
        return NULL;
    }
    Py_ssize_t a = 0;
    while (a < t.n) {
        Py_ssize_t b = a; /* the line's end before its line break; c the end after it */
        while (b < t.n && !(t.f[b] & F_LINEBREAK)) b++;
        Py_ssize_t c = b < t.n ? b + 1 : b;
        if (b < t.n && AT(&t, b) == '\r' && c < t.n && AT(&t, c) == '\n') c++;
        Py_ssize_t e = c; /* line.rstrip("\r\n") */
        while (e > a && (AT(&t, e - 1) == '\r' || AT(&t, e - 1) == '\n')) e--;
        Py_ssize_t length = e - a, marks = 0, main_count = 0;
        for (Py_ssize_t k = a; k < e; k++) {
            Py_UCS4 ch = AT(&t, k);
            int maybe = ch >= 0x10000 ? 0
                        : ch >= 0x80 ? (firsts[ch >> 3] >> (ch & 7)) & 1
                                     : (ch == '.' || (ch | 0x20) == 'h' || (ch | 0x20) == 'w');
            if (maybe
                && place_mark_at(&t, k, places, suffixes))
                marks++;
            if (main_script >= 0 && (t.f[k] & F_ALPHA)) {
                int s = -1;
                if ((ch >= 0x3400 && ch <= 0x9fff) || (ch >= 0xf900 && ch <= 0xfaff) || ch >= 0x20000)
                    s = 0;
                else if (ch < 0x80 || (ch >= 0xff21 && ch <= 0xff5a))
                    s = 1;
                else if (ch >= 0x3040 && ch <= 0x30ff)
                    s = 2;
                if (s == main_script) main_count++;
            }
        }
        int script = length >= 30 && (main_script < 0 || !((double)main_count > 0.2 * (double)length));
        int stuffed = may_be_stuffed(&t, a, e) && short_pieces(&t, a, e);
        if ((marks >= 8 || script || stuffed) && append_pair(out, a, c) < 0) {
            Py_DECREF(out);
            PyMem_Free(t.f);
            return NULL;
        }
        a = c;
    }
    PyMem_Free(t.f);
    return out;
}

static PyMethodDef methods[] = {
    {"spaced_regions", spaced_regions, METH_O, "spaced_regions(text) -> [(start, end)] as matcher._regions"},
    {"bare", bare, METH_VARARGS, "bare(text, regions, inner, longest) -> (letters around separators joined by line feeds, int64 offsets)"},
    {"fold", fold, METH_VARARGS, "fold(text, kinds, table) -> normalised text, or None for normalise's own path"},
    {"letters", letters, METH_O, "letters(text) -> ((han, first), (latin, first), (kana, first), first other)"},
    {"spam_lines", spam_lines, METH_VARARGS,
     "spam_lines(text, main script 0-2 or -1, places, suffixes) -> [(start, end)] of lines to examine"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fast_module = {
    PyModuleDef_HEAD_INIT, "_fast", "The content-screen hot paths in C.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fast(void) {
    for (Py_UCS4 c = 0; c < 0x10000; c++) BMP[c] = classes_of(c);
    for (Py_UCS4 c = 0; c < 0x10000; c++) SCRIPT[c] = script_of(c);
    return PyModule_Create(&fast_module);
}

/* The aigc-label quick scan: does a buffer hold any byte sequence a label carrier needs?
 *
 * One pass, ASCII case folded, over the needles of markers.py (NEEDLES there is the reference; the test
 * suite checks that both give the same answer). A byte that cannot start a needle costs one table look-up.
 * The GIL is released during the pass.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

typedef struct {
    const unsigned char *bytes;
    Py_ssize_t length;
} needle_t;

/* ASCII lower case (as the scan folds the data), in the order of markers.NEEDLES; keep the two equal. */
static const needle_t NEEDLES[] = {
    {(const unsigned char *)"aigc", 4},
    {(const unsigned char *)"a\0i\0g\0c", 7},
    {(const unsigned char *)"a\0\0\0i\0\0\0g\0\0\0c", 13},
    {(const unsigned char *)"a\xc4\xb1gc", 5},
    {(const unsigned char *)"a\x00" "1\x01g\x00" "c", 7},
    {(const unsigned char *)"a\x01" "1\x00g\x00" "c", 7},
    {(const unsigned char *)"xmp", 3},
    {(const unsigned char *)"adobe.com/xap", 13},
    {(const unsigned char *)"exif", 4},
    {(const unsigned char *)"c2pa", 4},
    {(const unsigned char *)"jumb", 4},
    {(const unsigned char *)"cabx", 4},
    {(const unsigned char *)"dcterms:provenance", 18},
    {(const unsigned char *)"\xd8\xfe\xc3\xd6\x1b\x0e\x68\x3c\x92\x97\x78\x28\x87\x7e\xc4\x81", 16}, /* the C2PA uuid, folded */
};
#define N_NEEDLES (sizeof(NEEDLES) / sizeof(NEEDLES[0]))

static unsigned char fold[256];
/* Bit (a | b << 8) is set when some needle has bytes a, b (in any ASCII case) at its offsets 0-1 or 1-2.
 * Every needle has 3 or more bytes, so any occurrence puts one of those two pairs at an even offset of the
 * data: the scan looks up the pairs at even offsets only (a 16-bit load and one look-up in 8 KiB, in L1)
 * and, on a hit at i, tries the needles at i and i - 1. */
static unsigned char starts[65536 / 8];

static void mark_start(unsigned char a, unsigned char b) {
    unsigned int key = (unsigned int)a | ((unsigned int)b << 8);
    starts[key >> 3] |= (unsigned char)(1u << (key & 7));
}

static unsigned char upper(unsigned char c) {
    return (unsigned char)((c >= 'a' && c <= 'z') ? c - 32 : c);
}

static void build_tables(void) {
    for (int c = 0; c < 256; c++) {
        fold[c] = (unsigned char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    memset(starts, 0, sizeof(starts));
    for (size_t i = 0; i < N_NEEDLES; i++) {
        for (int at = 0; at < 2; at++) {
            unsigned char a = NEEDLES[i].bytes[at], b = NEEDLES[i].bytes[at + 1];
            mark_start(a, b);
            mark_start(upper(a), b);
            mark_start(a, upper(b));
            mark_start(upper(a), upper(b));
        }
    }
}

static int matches_at(const unsigned char *data, Py_ssize_t left, const needle_t *needle) {
    if (needle->length > left) {
        return 0;
    }
    for (Py_ssize_t k = 0; k < needle->length; k++) {
        if (fold[data[k]] != needle->bytes[k]) {
            return 0;
        }
    }
    return 1;
}

static int scan(const unsigned char *data, Py_ssize_t size) {
    for (Py_ssize_t i = 0; i + 1 < size; i += 2) {
        unsigned int key = (unsigned int)data[i] | ((unsigned int)data[i + 1] << 8);
        if (!(starts[key >> 3] & (1u << (key & 7)))) {
            continue;
        }
        for (size_t n = 0; n < N_NEEDLES; n++) {
            if (matches_at(data + i, size - i, &NEEDLES[n]) ||
                (i > 0 && matches_at(data + i - 1, size - i + 1, &NEEDLES[n]))) {
                return 1;
            }
        }
    }
    return 0;
}

static PyObject *has_marker(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    int found;
    Py_BEGIN_ALLOW_THREADS
    found = scan((const unsigned char *)view.buf, view.len);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return PyBool_FromLong(found);
}

static PyMethodDef methods[] = {
    {"has_marker", has_marker, METH_O, "Whether the buffer holds any carrier marker (ASCII case folded)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_markers", "The aigc-label quick scan (see markers.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__markers(void) {
    build_tables();
    return PyModule_Create(&module);
}

/* The four memory functions compilers may call on their own (for struct copies and clears) even
 * in freestanding code, for the clang builds of the benchmark programs that ebpfc bench links
 * without a libc and runs under Unicorn. Built with -fno-builtin so these loops are not turned
 * back into calls to themselves. Their instructions count as the program's: a BPF program does
 * the same copies inline. */
typedef unsigned long size_t;

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    if (p < q) {
        while (n--)
            *p++ = *q++;
    } else {
        while (n--)
            p[n] = q[n];
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

/* String search: counts occurrences of "HTTP/1.1" in the first 512 bytes of the packet with a
 * naive scan, using a needle kept in .rodata. */
#include "bench.h"

static const char needle[8] = {'H', 'T', 'T', 'P', '/', '1', '.', '1'};

BENCH_PROGRAM(strsearch)
{
    __u8 *p = PKT_START(ctx);
    __u8 *end = PKT_END(ctx);
    __u32 found = 0;
    for (int i = 0; i < 512; i++) {
        if (p + 8 > end)
            break;
        int match = 1;
#pragma unroll
        for (int j = 0; j < 8; j++) {
            if (p[j] != (__u8)needle[j]) {
                match = 0;
                break;
            }
        }
        found += match;
        p++;
    }
    return found;
}

char LICENSE[] SEC("license") = "GPL";

/* Bounded sort: copies 16 little-endian u32 values from the packet to the stack, sorts them with
 * insertion sort, and returns a position-weighted sum of the sorted array. */
#include "bench.h"

#define N 16

BENCH_PROGRAM(sort)
{
    __u32 *p = PKT_START(ctx);
    void *end = PKT_END(ctx);
    __u32 a[N];
    if ((void *)(p + N) > end)
        return 0;
    for (int i = 0; i < N; i++)
        a[i] = p[i];
    for (int i = 1; i < N; i++) {
        __u32 v = a[i];
        int j = i - 1;
        for (int k = 0; k < N; k++) {
            if (j < 0 || a[j & (N - 1)] <= v)
                break;
            a[(j + 1) & (N - 1)] = a[j & (N - 1)];
            j--;
        }
        a[(j + 1) & (N - 1)] = v;
    }
    __u64 sum = 0;
    for (int i = 0; i < N; i++)
        sum += (__u64)a[i] * (i + 1);
    return (__u32)(sum ^ (sum >> 32));
}

char LICENSE[] SEC("license") = "GPL";

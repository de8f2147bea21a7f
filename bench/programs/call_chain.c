/* bpf-to-bpf call chains: four non-inlined functions, each calling the next, applied to every
 * 8-byte word of the first 512 bytes of the packet. Exercises calls, argument passing and
 * callee-saved registers. */
#include "bench.h"

static __noinline __u64 mix4(__u64 x, __u64 k)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    return x ^ k;
}

static __noinline __u64 mix3(__u64 x, __u64 k)
{
    return mix4(x + k, k >> 3) ^ (x << 7);
}

static __noinline __u64 mix2(__u64 x, __u64 k, __u64 salt)
{
    return mix3(x ^ salt, k) + salt;
}

static __noinline __u64 mix1(__u64 x, __u64 i)
{
    return mix2(x, i * 0x9e3779b97f4a7c15ULL, i | 1);
}

BENCH_PROGRAM(call_chain)
{
    __u64 *p = PKT_START(ctx);
    void *end = PKT_END(ctx);
    __u64 acc = 0;
    for (int i = 0; i < 64; i++) {
        if ((void *)(p + 1) > end)
            break;
        acc += mix1(*p, i);
        p++;
    }
    return (__u32)(acc ^ (acc >> 32));
}

char LICENSE[] SEC("license") = "GPL";

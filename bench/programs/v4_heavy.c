/* ISA v4 heavy: signed division and modulo, sign-extending loads and moves, byte swaps, over the
 * 16-bit and 32-bit fields of the packet. Built with -mcpu=v4 so clang emits sdiv/smod, movsx,
 * ldxs* and bswap. */
#include "bench.h"

BENCH_PROGRAM(v4_heavy)
{
    __u8 *p = PKT_START(ctx);
    __u8 *end = PKT_END(ctx);
    __s64 acc = 1;
    for (int i = 0; i < 128; i++) {
        if (p + 8 > end)
            break;
        __s8 b = *(__s8 *)p;
        __s16 h = *(__s16 *)(p + 2);
        __s32 w = *(__s32 *)(p + 4);
        __s64 d = (__s64)b * h + w;
        __s64 q = (h | 1);
        acc += d / q;
        acc ^= d % (b | 1);
        acc += (__s64)(__s32)bswap32((__u32)w) / 7;
        acc += (__s16)bswap16((__u16)h);
        p += 8;
    }
    return (__u32)(acc ^ (acc >> 32));
}

char LICENSE[] SEC("license") = "GPL";

/* FNV-1a, 64-bit, over up to 1024 bytes of the packet; returns the hash folded to 32 bits. */
#include "bench.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

BENCH_PROGRAM(fnv1a)
{
    __u8 *p = PKT_START(ctx);
    __u8 *end = PKT_END(ctx);
    __u64 h = FNV_OFFSET;
    for (int i = 0; i < 1024; i++) {
        if (p + 1 > end)
            break;
        h ^= *p++;
        h *= FNV_PRIME;
    }
    return (__u32)(h ^ (h >> 32));
}

char LICENSE[] SEC("license") = "GPL";

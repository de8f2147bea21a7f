/* MurmurHash3 x86_32 over up to 1024 bytes of the packet (4-byte blocks, tail, finalisation mix). */
#include "bench.h"

static __always_inline __u32 rotl32(__u32 x, int r)
{
    return (x << r) | (x >> (32 - r));
}

BENCH_PROGRAM(murmur3)
{
    __u8 *p = PKT_START(ctx);
    __u8 *end = PKT_END(ctx);
    const __u32 c1 = 0xcc9e2d51, c2 = 0x1b873593;
    __u32 h = 0x9747b28c;
    __u32 len = 0;
    for (int i = 0; i < 256; i++) {
        if (p + 4 > end)
            break;
        __u32 k = *(__u32 *)p;
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64;
        p += 4;
        len += 4;
    }
    __u32 k = 0;
    if (p + 3 <= end) {
        k ^= p[2] << 16;
        len++;
    }
    if (p + 2 <= end) {
        k ^= p[1] << 8;
        len++;
    }
    if (p + 1 <= end) {
        k ^= p[0];
        len++;
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
    }
    h ^= len;
    h ^= h >> 16;
    h *= 0x85ebca6b;
    h ^= h >> 13;
    h *= 0xc2b2ae35;
    h ^= h >> 16;
    return h;
}

char LICENSE[] SEC("license") = "GPL";

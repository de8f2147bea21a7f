/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit, over up to 128 bytes. */
#include "bench.h"

BENCH_PROGRAM(crc32)
{
    __u8 *p = PKT_START(ctx);
    __u8 *end = PKT_END(ctx);
    __u32 crc = 0xffffffff;
    for (int i = 0; i < 128; i++) {
        if (p + 1 > end)
            break;
        crc ^= *p++;
#pragma unroll
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
    }
    return ~crc;
}

char LICENSE[] SEC("license") = "GPL";

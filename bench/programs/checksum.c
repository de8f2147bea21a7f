/* Internet checksum (RFC 1071) over the whole packet, up to 1500 bytes: 16-bit one's-complement
 * sum with end-around carry, then folded and inverted. Returns the checksum. */
#include "bench.h"

BENCH_PROGRAM(checksum)
{
    __u8 *p = PKT_START(ctx);
    __u8 *end = PKT_END(ctx);
    __u64 sum = 0;
    for (int i = 0; i < 750; i++) {
        if (p + 2 > end)
            break;
        sum += *(__u16 *)p;
        p += 2;
    }
    if (p + 1 <= end)
        sum += *p;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (__u16)~sum;
}

char LICENSE[] SEC("license") = "GPL";

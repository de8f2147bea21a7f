/* Map-heavy counting: each 4-byte word of the first 256 bytes of the packet is a key in a hash
 * map; existing keys are incremented, new ones inserted. Returns the number of new keys. */
#include "bench.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u64);
} word_count SEC(".maps");

BENCH_PROGRAM(map_count)
{
    __u8 *p = PKT_START(ctx);
    __u8 *end = PKT_END(ctx);
    __u32 fresh = 0;
    for (int i = 0; i < 64; i++) {
        if (p + 4 > end)
            break;
        __u32 key = *(__u32 *)p;
        __u64 *v = bpf_map_lookup_elem(&word_count, &key);
        if (v) {
            *v += 1;
        } else {
            __u64 one = 1;
            bpf_map_update_elem(&word_count, &key, &one, BPF_NOEXIST);
            fresh++;
        }
        p += 4;
    }
    return fresh;
}

char LICENSE[] SEC("license") = "GPL";

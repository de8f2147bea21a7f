/* Packet parser: Ethernet with up to two VLAN tags, IPv4 or IPv6, then TCP or UDP. Counts
 * packets per protocol class in an array map and drops UDP to port 53 from outside 10/8. */
#include "bench.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} proto_count SEC(".maps");

enum { C_OTHER, C_IPV4, C_IPV6, C_TCP, C_UDP, C_VLAN, C_SHORT, C_DNS };

static __always_inline void count(__u32 cls)
{
    __u64 *v = bpf_map_lookup_elem(&proto_count, &cls);
    if (v)
        *v += 1;
}

BENCH_PROGRAM(packet_parser)
{
    void *data = PKT_START(ctx);
    void *end = PKT_END(ctx);
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) {
        count(C_SHORT);
        return XDP_DROP;
    }
    __u16 proto = eth->h_proto;
    void *cur = eth + 1;
#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != htons(ETH_P_8021Q))
            break;
        struct vlan_hdr *vh = cur;
        if ((void *)(vh + 1) > end)
            return XDP_DROP;
        count(C_VLAN);
        proto = vh->proto;
        cur = vh + 1;
    }
    __u8 l4;
    __u32 src4 = 0;
    if (proto == htons(ETH_P_IP)) {
        struct iphdr *ip = cur;
        if ((void *)(ip + 1) > end)
            return XDP_DROP;
        __u32 ihl = (ip->ihl_version & 0x0f) * 4;
        if (ihl < sizeof(*ip))
            return XDP_DROP;
        count(C_IPV4);
        l4 = ip->protocol;
        src4 = ip->saddr;
        cur = (void *)ip + ihl;
    } else if (proto == htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = cur;
        if ((void *)(ip6 + 1) > end)
            return XDP_DROP;
        count(C_IPV6);
        l4 = ip6->nexthdr;
        cur = ip6 + 1;
    } else {
        count(C_OTHER);
        return XDP_PASS;
    }
    if (l4 == IPPROTO_TCP) {
        struct tcphdr *tcp = cur;
        if ((void *)(tcp + 1) > end)
            return XDP_DROP;
        count(C_TCP);
        return tcp->dest == htons(23) ? XDP_DROP : XDP_PASS;
    }
    if (l4 == IPPROTO_UDP) {
        struct udphdr *udp = cur;
        if ((void *)(udp + 1) > end)
            return XDP_DROP;
        count(C_UDP);
        if (udp->dest == htons(53) && (src4 & htonl(0xff000000)) != htonl(0x0a000000)) {
            count(C_DNS);
            return XDP_DROP;
        }
    }
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

/* An XDP layer-4 load balancer in the style of production ones: parses Ethernet/VLAN, IPv4 (with
 * options) and IPv6, TCP/UDP/ICMP; looks the destination up in a VIP table; keeps flows sticky
 * through an LRU connection table; picks a backend on a consistent-hash ring with a jhash of the
 * 5-tuple; rewrites MAC and IP addresses with incremental checksum updates (full recomputation of
 * the IPv4 header checksum as a cross-check), answers ICMP echo to a VIP, and keeps per-VIP
 * statistics. Every path is inlined, so the object is one large program (2000+ instructions). */
#include "bench.h"

#define MAX_VIPS 16
#define MAX_BACKENDS 64
#define RING_SIZE 64

struct vip_key {
    __u32 addr[4]; /* IPv4 in addr[0], IPv6 in all four */
    __u16 port;
    __u8 proto;
    __u8 family;
};

struct vip_info {
    __u32 index;
    __u32 flags;
};
#define VIP_STICKY 1
#define VIP_NO_PORT 2

struct backend {
    __u32 addr[4];
    __u8 mac[6];
    __u16 weight;
    __u32 flags;
};

struct flow_key {
    __u32 src[4];
    __u32 dst[4];
    __u16 sport;
    __u16 dport;
    __u8 proto;
    __u8 family;
    __u16 pad;
};

struct vip_stats {
    __u64 packets;
    __u64 bytes;
    __u64 new_flows;
    __u64 icmp;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, MAX_VIPS);
    __type(key, struct vip_key);
    __type(value, struct vip_info);
} vips SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, MAX_BACKENDS);
    __type(key, __u32);
    __type(value, struct backend);
} backends SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, MAX_VIPS * RING_SIZE);
    __type(key, __u32);
    __type(value, __u32);
} ring SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 4096);
    __type(key, struct flow_key);
    __type(value, __u32);
} conns SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, MAX_VIPS);
    __type(key, __u32);
    __type(value, struct vip_stats);
} stats SEC(".maps");

static const __u8 lb_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

static __always_inline __u32 rol32(__u32 w, int s)
{
    return (w << s) | (w >> (32 - s));
}

#define JHASH_INITVAL 0xdeadbeef
#define __jhash_mix(a, b, c)               \
    {                                      \
        a -= c; a ^= rol32(c, 4); c += b;  \
        b -= a; b ^= rol32(a, 6); a += c;  \
        c -= b; c ^= rol32(b, 8); b += a;  \
        a -= c; a ^= rol32(c, 16); c += b; \
        b -= a; b ^= rol32(a, 19); a += c; \
        c -= b; c ^= rol32(b, 4); b += a;  \
    }
#define __jhash_final(a, b, c)       \
    {                                \
        c ^= b; c -= rol32(b, 14);   \
        a ^= c; a -= rol32(c, 11);   \
        b ^= a; b -= rol32(a, 25);   \
        c ^= b; c -= rol32(b, 16);   \
        a ^= c; a -= rol32(c, 4);    \
        b ^= a; b -= rol32(a, 14);   \
        c ^= b; c -= rol32(b, 24);   \
    }

static __always_inline __u32 jhash_flow(const struct flow_key *k)
{
    __u32 a, b, c;
    a = b = c = JHASH_INITVAL + sizeof(*k);
    a += k->src[0]; b += k->src[1]; c += k->src[2];
    __jhash_mix(a, b, c);
    a += k->src[3]; b += k->dst[0]; c += k->dst[1];
    __jhash_mix(a, b, c);
    a += k->dst[2]; b += k->dst[3]; c += ((__u32)k->sport << 16) | k->dport;
    __jhash_mix(a, b, c);
    a += k->proto | ((__u32)k->family << 8);
    __jhash_final(a, b, c);
    return c;
}

static __always_inline __u16 csum_fold(__u32 sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (__u16)~sum;
}

/* RFC 1624 incremental update of a 16-bit one's-complement checksum when a 32-bit word changes. */
static __always_inline __u16 csum_replace4(__u16 check, __u32 from, __u32 to)
{
    __u32 sum = (__u16)~check;
    sum += (__u16)~(from & 0xffff);
    sum += (__u16)~(from >> 16);
    sum += to & 0xffff;
    sum += to >> 16;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (__u16)~sum;
}

static __always_inline __u16 ipv4_csum(struct iphdr *ip)
{
    __u32 sum = 0;
    __u16 *w = (__u16 *)ip;
    __u16 saved = ip->check;
    ip->check = 0;
#pragma unroll
    for (int i = 0; i < 10; i++)
        sum += w[i];
    ip->check = saved;
    return csum_fold(sum);
}

static __always_inline void count(__u32 vip, __u64 bytes, int fresh, int icmp)
{
    struct vip_stats *s = bpf_map_lookup_elem(&stats, &vip);
    if (!s)
        return;
    s->packets += 1;
    s->bytes += bytes;
    s->new_flows += fresh;
    s->icmp += icmp;
}

static __always_inline struct backend *pick_backend(struct flow_key *fk, struct vip_info *vi, int *fresh)
{
    __u32 *idx;
    if (vi->flags & VIP_STICKY) {
        idx = bpf_map_lookup_elem(&conns, fk);
        if (idx) {
            __u32 b = *idx;
            struct backend *be = bpf_map_lookup_elem(&backends, &b);
            if (be && be->weight)
                return be;
        }
    }
    __u32 h = jhash_flow(fk);
    __u32 slot = vi->index * RING_SIZE + (h % RING_SIZE);
    /* Linear probing over the ring for a backend with non-zero weight. */
#pragma unroll
    for (int probe = 0; probe < 12; probe++) {
        __u32 s = vi->index * RING_SIZE + ((slot + probe) % RING_SIZE);
        idx = bpf_map_lookup_elem(&ring, &s);
        if (!idx)
            return 0;
        __u32 b = *idx;
        struct backend *be = bpf_map_lookup_elem(&backends, &b);
        if (be && be->weight) {
            if (vi->flags & VIP_STICKY)
                bpf_map_update_elem(&conns, fk, &b, BPF_ANY);
            *fresh = 1;
            return be;
        }
    }
    return 0;
}

/* Clamps the TCP MSS option to 1400 (tunnelled backends have a smaller MTU), walking at most
 * sixteen options, and keeps the TCP checksum right. */
static __always_inline void clamp_mss(struct tcphdr *tcp, void *end)
{
    __u8 *opt = (__u8 *)(tcp + 1);
    __u32 doff = (ntohs(tcp->flags) >> 12) * 4;
    __u8 *opt_end = (__u8 *)tcp + doff;
#pragma unroll
    for (int i = 0; i < 16; i++) {
        if ((void *)(opt + 4) > end || opt + 4 > opt_end)
            return;
        __u8 kind = opt[0];
        if (kind == 0)
            return;
        if (kind == 1) {
            opt++;
            continue;
        }
        __u8 len = opt[1];
        if (len < 2)
            return;
        if (kind == 2 && len == 4) {
            __u16 mss = (opt[2] << 8) | opt[3];
            if (mss > 1400) {
                __u32 old = *(__u32 *)opt;
                opt[2] = 1400 >> 8;
                opt[3] = 1400 & 0xff;
                tcp->check = csum_replace4(tcp->check, old, *(__u32 *)opt);
            }
            return;
        }
        opt += len;
    }
}

static __always_inline void set_macs(struct ethhdr *eth, struct backend *be)
{
#pragma unroll
    for (int i = 0; i < 6; i++) {
        eth->h_source[i] = lb_mac[i];
        eth->h_dest[i] = be->mac[i];
    }
}

static __always_inline int handle_icmp4(struct ethhdr *eth, struct iphdr *ip, void *l4, void *end, __u32 vip)
{
    __u8 *icmp = l4;
    if ((void *)(icmp + 8) > end)
        return XDP_DROP;
    if (icmp[0] != 8) /* echo request */
        return XDP_PASS;
    icmp[0] = 0;
    __u16 *ck = (__u16 *)(icmp + 2);
    *ck = csum_replace4(*ck, htons(0x0800), 0);
    __u32 t = ip->saddr;
    ip->saddr = ip->daddr;
    ip->daddr = t;
    ip->ttl = 64;
    ip->check = ipv4_csum(ip);
#pragma unroll
    for (int i = 0; i < 6; i++) {
        __u8 m = eth->h_dest[i];
        eth->h_dest[i] = eth->h_source[i];
        eth->h_source[i] = m;
    }
    count(vip, (__u64)((__u8 *)end - (__u8 *)eth), 0, 1);
    return XDP_TX;
}

static __always_inline int handle_ipv4(struct xdp_md *ctx, struct ethhdr *eth, void *cur, void *end)
{
    struct iphdr *ip = cur;
    if ((void *)(ip + 1) > end)
        return XDP_DROP;
    __u32 ihl = (ip->ihl_version & 0x0f) * 4;
    if ((ip->ihl_version >> 4) != 4 || ihl < sizeof(*ip) || ihl > 60)
        return XDP_DROP;
    if (ip->frag_off & htons(0x3fff))
        return XDP_PASS; /* fragments go to the slow path */
    if (ip->ttl <= 1)
        return XDP_DROP;
    if (ip->check != 0 && ipv4_csum(ip) != ip->check) {
        /* A bad checksum is not ours to fix. */
        return XDP_DROP;
    }
    void *l4 = (__u8 *)ip + ihl;
    struct flow_key fk = {};
    fk.src[0] = ip->saddr;
    fk.dst[0] = ip->daddr;
    fk.proto = ip->protocol;
    fk.family = 4;
    struct vip_key vk = {};
    vk.addr[0] = ip->daddr;
    vk.proto = ip->protocol;
    vk.family = 4;
    __u16 *l4check = 0;
    if (ip->protocol == IPPROTO_TCP) {
        struct tcphdr *tcp = l4;
        if ((void *)(tcp + 1) > end)
            return XDP_DROP;
        fk.sport = tcp->source;
        fk.dport = tcp->dest;
        if (tcp->flags & htons(0x0002)) /* SYN */
            clamp_mss(tcp, end);
        l4check = &tcp->check;
    } else if (ip->protocol == IPPROTO_UDP) {
        struct udphdr *udp = l4;
        if ((void *)(udp + 1) > end)
            return XDP_DROP;
        fk.sport = udp->source;
        fk.dport = udp->dest;
        if (udp->check)
            l4check = &udp->check;
    } else if (ip->protocol == IPPROTO_ICMP) {
        struct vip_info *vi = bpf_map_lookup_elem(&vips, &vk);
        if (!vi)
            return XDP_PASS;
        return handle_icmp4(eth, ip, l4, end, vi->index);
    } else {
        return XDP_PASS;
    }
    vk.port = fk.dport;
    struct vip_info *vi = bpf_map_lookup_elem(&vips, &vk);
    if (!vi) {
        vk.port = 0;
        vi = bpf_map_lookup_elem(&vips, &vk);
        if (!vi || !(vi->flags & VIP_NO_PORT))
            return XDP_PASS;
    }
    int fresh = 0;
    struct backend *be = pick_backend(&fk, vi, &fresh);
    if (!be)
        return XDP_DROP;
    __u32 old = ip->daddr;
    __u32 new = be->addr[0];
    ip->daddr = new;
    ip->check = csum_replace4(ip->check, old, new);
    /* TTL lives in the high byte of a 16-bit word shared with the protocol. */
    __u16 oldttl = *(__u16 *)&ip->ttl;
    ip->ttl -= 1;
    ip->check = csum_replace4(ip->check, oldttl, *(__u16 *)&ip->ttl);
    if (l4check)
        *l4check = csum_replace4(*l4check, old, new);
    set_macs(eth, be);
    count(vi->index, (__u64)((__u8 *)end - (__u8 *)eth), fresh, 0);
    return XDP_TX;
}

static __always_inline int handle_ipv6(struct xdp_md *ctx, struct ethhdr *eth, void *cur, void *end)
{
    struct ipv6hdr *ip6 = cur;
    if ((void *)(ip6 + 1) > end)
        return XDP_DROP;
    if (ip6->hop_limit <= 1)
        return XDP_DROP;
    void *l4 = ip6 + 1;
    struct flow_key fk = {};
    struct vip_key vk = {};
#pragma unroll
    for (int i = 0; i < 4; i++) {
        fk.src[i] = ((__u32 *)ip6->saddr)[i];
        fk.dst[i] = ((__u32 *)ip6->daddr)[i];
        vk.addr[i] = fk.dst[i];
    }
    fk.proto = ip6->nexthdr;
    fk.family = 6;
    vk.proto = ip6->nexthdr;
    vk.family = 6;
    __u16 *l4check;
    if (ip6->nexthdr == IPPROTO_TCP) {
        struct tcphdr *tcp = l4;
        if ((void *)(tcp + 1) > end)
            return XDP_DROP;
        fk.sport = tcp->source;
        fk.dport = tcp->dest;
        if (tcp->flags & htons(0x0002)) /* SYN */
            clamp_mss(tcp, end);
        l4check = &tcp->check;
    } else if (ip6->nexthdr == IPPROTO_UDP) {
        struct udphdr *udp = l4;
        if ((void *)(udp + 1) > end)
            return XDP_DROP;
        fk.sport = udp->source;
        fk.dport = udp->dest;
        l4check = &udp->check;
    } else {
        return XDP_PASS;
    }
    vk.port = fk.dport;
    struct vip_info *vi = bpf_map_lookup_elem(&vips, &vk);
    if (!vi)
        return XDP_PASS;
    int fresh = 0;
    struct backend *be = pick_backend(&fk, vi, &fresh);
    if (!be)
        return XDP_DROP;
    __u16 ck = *l4check;
#pragma unroll
    for (int i = 0; i < 4; i++) {
        __u32 old = ((__u32 *)ip6->daddr)[i];
        ((__u32 *)ip6->daddr)[i] = be->addr[i];
        ck = csum_replace4(ck, old, be->addr[i]);
    }
    *l4check = ck;
    ip6->hop_limit -= 1;
    set_macs(eth, be);
    count(vi->index, (__u64)((__u8 *)end - (__u8 *)eth), fresh, 0);
    return XDP_TX;
}

BENCH_PROGRAM(xdp_lb)
{
    void *data = PKT_START(ctx);
    void *end = PKT_END(ctx);
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_DROP;
    __u16 proto = eth->h_proto;
    void *cur = eth + 1;
#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != htons(ETH_P_8021Q))
            break;
        struct vlan_hdr *vh = cur;
        if ((void *)(vh + 1) > end)
            return XDP_DROP;
        proto = vh->proto;
        cur = vh + 1;
    }
    if (proto == htons(ETH_P_IP))
        return handle_ipv4(ctx, eth, cur, end);
    if (proto == htons(ETH_P_IPV6))
        return handle_ipv6(ctx, eth, cur, end);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

/* Example host for an ebpfc AOT object (docs/aot-abi.md): links one compiled XDP or raw program,
 * provides the helpers it may call (map lookup/update/delete for array and hash maps,
 * ktime_get_ns, get_prandom_u32 as the ebpfc runtime models them) and the runtime entries, runs
 * it once on a packet read from a file, and prints r0, every map's entries in key order as hex
 * (key || value, the bytes of ebpfc's map snapshots) and the packet or memory after the run, so
 * results compare with `ebpfc run --engine interp`.
 *
 *   make PROG=fnv1a && ./host-fnv1a-x86_64 packet.bin                     (XDP context)
 *   ./host-fnv1a-x86_64 --raw mem.bin                                     (r1 = mem, r2 = length)
 *   make TARGET=arm64 PROG=fnv1a && qemu-aarch64 ./host-fnv1a-arm64 packet.bin   (see Makefile)
 *
 * PROG is the program's symbol name. Built without PIE: the code's constant pool holds absolute
 * addresses the static linker fills in, and the packet must lie below 4 GiB (xdp_md holds 32-bit
 * pointers), which a non-PIE executable's static buffers do. A helper stops the program with
 * longjmp back to the caller: compiled code keeps nothing that needs unwinding. */
#include "ebpfc_aot.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#ifndef PROG
#error "build with -DPROG=<program symbol>"
#endif

extern ebpfc_prog_fn PROG;
extern struct ebpfc_map CAT(PROG, _maps)[];
extern const uint32_t CAT(PROG, _map_count);

#define HEADROOM 256
static uint8_t packet[HEADROOM + 65536] __attribute__((aligned(64)));
static uint8_t stack[EBPFC_STACK_SIZE] __attribute__((aligned(16)));
static struct { uint32_t data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; } xdp_md;
static uint8_t *pkt_data;
static uint64_t pkt_len;
static jmp_buf stop;
static uint64_t stop_r0;

/* Hash maps: the descriptor's values plus, in `host`, a used flag and a key per slot. */
struct hash_state { uint8_t *used; uint8_t *keys; };

static struct hash_state *hash_of(struct ebpfc_map *m) {
    if (!m->host) {
        struct hash_state *h = calloc(1, sizeof *h);
        h->used = calloc(m->max_entries, 1);
        h->keys = calloc(m->max_entries, m->key_size);
        m->host = h;
    }
    return m->host;
}

static int is_hash(struct ebpfc_map *m) { return m->type == 1 || m->type == 5 || m->type == 9 || m->type == 10; }
static int is_array(struct ebpfc_map *m) { return m->type == 2 || m->type == 6; }

static long find_slot(struct ebpfc_map *m, const void *key) {
    struct hash_state *h = hash_of(m);
    for (uint32_t i = 0; i < m->max_entries; i++)
        if (h->used[i] && memcmp(h->keys + (size_t)i * m->key_size, key, m->key_size) == 0) return i;
    return -1;
}

uint64_t ebpfc_helper_1(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4, uint64_t r5) { /* map_lookup_elem */
    struct ebpfc_map *m = (struct ebpfc_map *)map;
    (void)r3; (void)r4; (void)r5;
    if (is_array(m)) {
        uint32_t i = *(uint32_t *)key;
        return i < m->max_entries ? (uint64_t)((uint8_t *)m->values + (size_t)i * m->value_stride) : 0;
    }
    long s = is_hash(m) ? find_slot(m, (void *)key) : -1;
    return s < 0 ? 0 : (uint64_t)((uint8_t *)m->values + (size_t)s * m->value_stride);
}

uint64_t ebpfc_helper_2(uint64_t map, uint64_t key, uint64_t value, uint64_t flags, uint64_t r5) { /* map_update_elem */
    struct ebpfc_map *m = (struct ebpfc_map *)map;
    (void)r5;
    if (flags > 2) return (uint64_t)-22;
    if (is_array(m)) {
        uint32_t i = *(uint32_t *)key;
        if (i >= m->max_entries) return (uint64_t)-7;
        if (flags == 1) return (uint64_t)-17;
        memcpy((uint8_t *)m->values + (size_t)i * m->value_stride, (void *)value, m->value_size);
        return 0;
    }
    if (!is_hash(m)) return (uint64_t)-22;
    long s = find_slot(m, (void *)key);
    if (s >= 0 && flags == 1) return (uint64_t)-17;
    if (s < 0) {
        if (flags == 2) return (uint64_t)-2;
        struct hash_state *h = hash_of(m);
        for (uint32_t i = 0; i < m->max_entries && s < 0; i++) if (!h->used[i]) s = i;
        if (s < 0) return (uint64_t)-7; /* full (LRU eviction is not modelled here) */
        h->used[s] = 1;
        memcpy(h->keys + (size_t)s * m->key_size, (void *)key, m->key_size);
    }
    memcpy((uint8_t *)m->values + (size_t)s * m->value_stride, (void *)value, m->value_size);
    return 0;
}

uint64_t ebpfc_helper_3(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4, uint64_t r5) { /* map_delete_elem */
    struct ebpfc_map *m = (struct ebpfc_map *)map;
    (void)r3; (void)r4; (void)r5;
    if (!is_hash(m)) return (uint64_t)-22;
    long s = find_slot(m, (void *)key);
    if (s < 0) return (uint64_t)-2;
    hash_of(m)->used[s] = 0;
    return 0;
}

static uint64_t clock_ns = 1000000000ull;
uint64_t ebpfc_helper_5(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5) { /* ktime_get_ns */
    (void)r1; (void)r2; (void)r3; (void)r4; (void)r5;
    uint64_t t = clock_ns;
    clock_ns += 1000;
    return t;
}

static uint64_t rnd = 0x5eed;
uint64_t ebpfc_helper_7(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5) { /* get_prandom_u32: xorshift64* */
    (void)r1; (void)r2; (void)r3; (void)r4; (void)r5;
    rnd ^= rnd >> 12; rnd ^= rnd << 25; rnd ^= rnd >> 27;
    return (uint32_t)((rnd * 0x2545F4914F6CDD1Dull) >> 32);
}

void ebpfc_runtime_error(uint64_t code, uint64_t slot, uint64_t detail) {
    fprintf(stderr, "runtime error %llu at slot %llu (detail %llu)\n", (unsigned long long)code, (unsigned long long)slot,
            (unsigned long long)detail);
    stop_r0 = 0;
    longjmp(stop, 2);
}

uint64_t ebpfc_load_packet(int64_t offset, uint64_t size) {
    if (offset < 0 || (uint64_t)offset + size > pkt_len) { stop_r0 = 0; longjmp(stop, 1); } /* Linux: the program returns 0 */
    uint64_t v = 0;
    for (uint64_t i = 0; i < size; i++) v = v << 8 | pkt_data[offset + i];
    return v;
}

uint64_t ebpfc_resolve_callx(uint64_t target) {
    /* Code addresses are real addresses in an AOT object; small values are helper ids. */
    return target > 0xffff ? target : 0;
}

uint64_t ebpfc_helper_by_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, uint64_t id) {
    switch (id) {
    case 1: return ebpfc_helper_1(r1, r2, r3, r4, r5);
    case 2: return ebpfc_helper_2(r1, r2, r3, r4, r5);
    case 3: return ebpfc_helper_3(r1, r2, r3, r4, r5);
    case 5: return ebpfc_helper_5(r1, r2, r3, r4, r5);
    case 7: return ebpfc_helper_7(r1, r2, r3, r4, r5);
    default: fprintf(stderr, "callx of unknown helper %llu\n", (unsigned long long)id); longjmp(stop, 2);
    }
}

static int cmp_len;
static int cmp_keys(const void *a, const void *b) { return memcmp(*(void *const *)a, *(void *const *)b, cmp_len); }

static void print_hex(const uint8_t *p, size_t n) { for (size_t i = 0; i < n; i++) printf("%02x", p[i]); }

static void dump(struct ebpfc_map *m) {
    printf("map %s: ", m->name);
    if (is_array(m)) {
        /* Keys are little-endian u32, ordered as bytes (index order up to 256 entries). */
        uint8_t **keys = malloc(sizeof(uint8_t *) * m->max_entries);
        uint8_t *kb = malloc((size_t)4 * m->max_entries);
        for (uint32_t i = 0; i < m->max_entries; i++) { memcpy(kb + 4 * (size_t)i, &i, 4); keys[i] = kb + 4 * (size_t)i; }
        cmp_len = 4;
        qsort(keys, m->max_entries, sizeof *keys, cmp_keys);
        for (uint32_t j = 0; j < m->max_entries; j++) {
            uint32_t i; memcpy(&i, keys[j], 4);
            print_hex(keys[j], 4);
            print_hex((uint8_t *)m->values + (size_t)i * m->value_stride, m->value_size);
        }
        free(keys); free(kb);
    } else if (is_hash(m)) {
        struct hash_state *h = hash_of(m);
        uint8_t **keys = malloc(sizeof(uint8_t *) * m->max_entries);
        uint32_t n = 0;
        for (uint32_t i = 0; i < m->max_entries; i++) if (h->used[i]) keys[n++] = h->keys + (size_t)i * m->key_size;
        cmp_len = (int)m->key_size;
        qsort(keys, n, sizeof *keys, cmp_keys);
        for (uint32_t j = 0; j < n; j++) {
            size_t s = (size_t)(keys[j] - h->keys) / m->key_size;
            print_hex(keys[j], m->key_size);
            print_hex((uint8_t *)m->values + s * m->value_stride, m->value_size);
        }
        free(keys);
    }
    printf("\n");
}

int main(int argc, char **argv) {
    int raw = argc > 1 && strcmp(argv[1], "--raw") == 0;
    if (argc != 2 + raw) { fprintf(stderr, "usage: %s [--raw] INPUT\n", argv[0]); return 2; }
    FILE *f = fopen(argv[1 + raw], "rb");
    if (!f) { perror(argv[1 + raw]); return 2; }
    pkt_data = packet + HEADROOM;
    pkt_len = fread(pkt_data, 1, sizeof packet - HEADROOM, f);
    fclose(f);
    uint64_t r1, r2 = pkt_len;
    if (raw) {
        r1 = (uint64_t)pkt_data;
    } else {
        xdp_md.data = (uint32_t)(uintptr_t)pkt_data;
        xdp_md.data_end = (uint32_t)(uintptr_t)(pkt_data + pkt_len);
        xdp_md.data_meta = xdp_md.data;
        xdp_md.ingress_ifindex = 1;
        r1 = (uint64_t)&xdp_md;
    }
    uint64_t r0;
    int why = setjmp(stop);
    if (why == 0) r0 = PROG(r1, r2, (uint64_t)(stack + EBPFC_FRAME_STRIDE));
    else r0 = stop_r0;
    printf("r0=0x%llx%s\n", (unsigned long long)r0, why == 2 ? " (error)" : "");
    for (uint32_t i = 0; i < CAT(PROG, _map_count); i++) dump(&CAT(PROG, _maps)[i]);
    /* The bytes the program may have written in place: the memory or the packet (data to data_end). */
    printf("%s: ", raw ? "mem" : "packet");
    print_hex(pkt_data, pkt_len);
    printf("\n");
    return 0;
}

/* Host stand-ins for the BPF helpers the benchmark programs call (bpf_map_lookup_elem and
 * bpf_map_update_elem), so the same C source built for the host by clang -O2 runs with the
 * semantics the ebpfc runtime gives them (runtime/src/main/java/dev/ebpfc/runtime/maps):
 *
 * - ARRAY and PERCPU_ARRAY (one CPU): max_entries zeroed values indexed by a u32 key; a key out
 *   of range finds nothing; update with BPF_NOEXIST is -EEXIST.
 * - HASH and LRU_HASH: up to max_entries entries; a value keeps its slot (and its address) while
 *   its key is present; inserting into a full map is -E2BIG, except LRU maps, which evict the
 *   least recently used entry (lookups and updates count as uses).
 *
 * The map definitions in the programs' host build carry no attributes at run time (their fields
 * are typed null pointers), so the harness describes each map with ebpfc_bench_map() before the
 * first call, naming it by the address of its definition. Freestanding: no libc, so the same file
 * can later be built for any CPU. */
#include "../bench.h"

enum { EEXIST = 17, ENOENT = 2, E2BIG = 7, EINVAL = 22 };
enum { MAX_MAPS = 16, POOL_BYTES = 8 << 20 };

struct host_map {
    const void *def;
    __u32 type, key_size, value_size, max_entries, stride;
    __u32 buckets;        /* hash maps: a power of two, at least twice max_entries */
    __u32 used;           /* hash maps: slots handed out so far */
    __u64 clock;          /* LRU: a counter stamped on every use */
    __u8 *values;         /* max_entries slots of `stride` bytes */
    __u8 *keys;           /* hash maps: the key of each slot */
    __u32 *bucket_slot;   /* hash maps: slot + 1 per bucket, 0 when empty */
    __u64 *last_use;      /* LRU maps: clock value of each slot's last use */
};

static struct host_map maps[MAX_MAPS];
static __u32 map_count_;
static __u8 pool[POOL_BYTES] __attribute__((aligned(16)));
static __u64 pool_used;

static void *take(__u64 bytes)
{
    bytes = (bytes + 15) & ~15ULL;
    if (pool_used + bytes > POOL_BYTES)
        return 0;
    void *p = pool + pool_used;
    pool_used += bytes;
    for (__u64 i = 0; i < bytes; i++)
        ((__u8 *)p)[i] = 0;
    return p;
}

static int same(const __u8 *a, const __u8 *b, __u32 n)
{
    for (__u32 i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void copy(__u8 *to, const __u8 *from, __u32 n)
{
    for (__u32 i = 0; i < n; i++)
        to[i] = from[i];
}

static __u32 hash_key(const __u8 *k, __u32 n)
{
    __u32 h = 2166136261u;
    for (__u32 i = 0; i < n; i++)
        h = (h ^ k[i]) * 16777619u;
    return h;
}

static int is_hash(const struct host_map *m)
{
    return m->type == BPF_MAP_TYPE_HASH || m->type == BPF_MAP_TYPE_LRU_HASH;
}

/* Forgets every map and its contents. */
void ebpfc_bench_reset(void)
{
    map_count_ = 0;
    pool_used = 0;
}

/* Describes the map whose definition is at `def`. Returns 0, or -1 when the type is not
 * supported or the pool or table is full. */
int ebpfc_bench_map(const void *def, __u32 type, __u32 key_size, __u32 value_size, __u32 max_entries)
{
    if (map_count_ == MAX_MAPS || max_entries == 0)
        return -1;
    struct host_map *m = &maps[map_count_];
    m->def = def;
    m->type = type;
    m->key_size = key_size;
    m->value_size = value_size;
    m->max_entries = max_entries;
    m->stride = (value_size + 7) & ~7u;
    m->used = 0;
    m->clock = 0;
    m->values = take((__u64)m->stride * max_entries);
    if (!m->values)
        return -1;
    if (type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY) {
        map_count_++;
        return 0;
    }
    if (!is_hash(m))
        return -1;
    m->buckets = 1;
    while (m->buckets < 2 * max_entries)
        m->buckets <<= 1;
    m->keys = take((__u64)key_size * max_entries);
    m->bucket_slot = take(4ULL * m->buckets);
    m->last_use = take(8ULL * max_entries);
    if (!m->keys || !m->bucket_slot || !m->last_use)
        return -1;
    map_count_++;
    return 0;
}

static struct host_map *find_map(const void *def)
{
    for (__u32 i = 0; i < map_count_; i++)
        if (maps[i].def == def)
            return &maps[i];
    return 0;
}

/* The bucket holding `key`, or the empty bucket where it would go. */
static __u32 bucket_of(const struct host_map *m, const __u8 *key)
{
    __u32 b = hash_key(key, m->key_size) & (m->buckets - 1);
    for (;;) {
        __u32 s = m->bucket_slot[b];
        if (s == 0 || same(m->keys + (__u64)(s - 1) * m->key_size, key, m->key_size))
            return b;
        b = (b + 1) & (m->buckets - 1);
    }
}

/* Removes the entry in `bucket`, moving later entries of its probe run back (no tombstones). */
static void remove_bucket(struct host_map *m, __u32 bucket)
{
    __u32 mask = m->buckets - 1;
    m->bucket_slot[bucket] = 0;
    for (__u32 b = (bucket + 1) & mask; m->bucket_slot[b] != 0; b = (b + 1) & mask) {
        __u32 s = m->bucket_slot[b];
        m->bucket_slot[b] = 0;
        m->bucket_slot[bucket_of(m, m->keys + (__u64)(s - 1) * m->key_size)] = s;
    }
}

void *bpf_map_lookup_elem(void *def, const void *key)
{
    struct host_map *m = find_map(def);
    if (!m)
        return 0;
    if (!is_hash(m)) {
        __u32 i = *(const __u32 *)key;
        return i < m->max_entries ? m->values + (__u64)i * m->stride : 0;
    }
    __u32 s = m->bucket_slot[bucket_of(m, key)];
    if (s == 0)
        return 0;
    if (m->type == BPF_MAP_TYPE_LRU_HASH)
        m->last_use[s - 1] = ++m->clock;
    return m->values + (__u64)(s - 1) * m->stride;
}

long bpf_map_update_elem(void *def, const void *key, const void *value, __u64 flags)
{
    struct host_map *m = find_map(def);
    if (!m)
        return -EINVAL;
    if (flags > BPF_EXIST)
        return -EINVAL;
    if (!is_hash(m)) {
        __u32 i = *(const __u32 *)key;
        if (i >= m->max_entries)
            return -E2BIG;
        if (flags == BPF_NOEXIST)
            return -EEXIST;
        copy(m->values + (__u64)i * m->stride, value, m->value_size);
        return 0;
    }
    __u32 b = bucket_of(m, key);
    __u32 s = m->bucket_slot[b];
    if (s != 0) {
        if (flags == BPF_NOEXIST)
            return -EEXIST;
    } else {
        if (flags == BPF_EXIST)
            return -ENOENT;
        if (m->used < m->max_entries) {
            s = ++m->used;
        } else {
            if (m->type != BPF_MAP_TYPE_LRU_HASH)
                return -E2BIG;
            __u32 oldest = 0;
            for (__u32 i = 1; i < m->max_entries; i++)
                if (m->last_use[i] < m->last_use[oldest])
                    oldest = i;
            remove_bucket(m, bucket_of(m, m->keys + (__u64)oldest * m->key_size));
            s = oldest + 1;
            b = bucket_of(m, key);
        }
        copy(m->keys + (__u64)(s - 1) * m->key_size, key, m->key_size);
        m->bucket_slot[b] = s;
    }
    if (m->type == BPF_MAP_TYPE_LRU_HASH)
        m->last_use[s - 1] = ++m->clock;
    copy(m->values + (__u64)(s - 1) * m->stride, value, m->value_size);
    return 0;
}

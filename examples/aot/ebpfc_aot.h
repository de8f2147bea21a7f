/* The C side of ebpfc's ahead-of-time object ABI (docs/aot-abi.md): what an object written by
 * `ebpfc compile --format elf` defines and what the host program linking it must provide. */
#ifndef EBPFC_AOT_H
#define EBPFC_AOT_H

#include <stdint.h>

/* One map of the program, defined in the object (NAME_maps[i] is map index i). A map handle in
 * the program (lddw map_idx) is the address of its descriptor; lddw map_value points into
 * `values`. */
struct ebpfc_map {
    const char *name;      /*  0: as in the BPF object (".rodata" for global data) */
    uint32_t type;         /*  8: enum bpf_map_type (1 hash, 2 array, 9 LRU hash, 27 ringbuf...) */
    uint32_t key_size;     /* 12 */
    uint32_t value_size;   /* 16 */
    uint32_t max_entries;  /* 20 */
    uint32_t flags;        /* 24: map_flags */
    uint32_t value_stride; /* 28: bytes between values: value_size rounded up to 8 (global data: exact) */
    void *values;          /* 32: max_entries * value_stride bytes, initial contents for global data */
    uint64_t values_size;  /* 40 */
    void *host;            /* 48: zero; the host's own state for this map */
    uint32_t attributes;   /* 56: 1 = read-only, 2 = global data section */
    uint32_t reserved;     /* 60 */
};

/* Frames of BPF-to-BPF calls: depth d's frame is the 512 bytes below r10_top + 512 * d. */
#define EBPFC_FRAME_STRIDE 512
#define EBPFC_MAX_FRAMES 8
#define EBPFC_STACK_SIZE (EBPFC_FRAME_STRIDE * EBPFC_MAX_FRAMES)

/* The compiled program: r1 = context (or memory) pointer, r2 = its length, r10_top = stack + 512
 * of a 16-byte aligned EBPFC_STACK_SIZE stack. Returns BPF r0. */
typedef uint64_t ebpfc_prog_fn(uint64_t r1, uint64_t r2, uint64_t r10_top);

/* What the host provides. Helpers are ebpfc_helper_<id>, with the BPF helper numbering the
 * program was written for (Linux's, e.g. 1 = map_lookup_elem). */
void ebpfc_runtime_error(uint64_t code, uint64_t slot, uint64_t detail);  /* code: call depth 0, kfunc 1, var addr 2, no instruction 3 */
uint64_t ebpfc_load_packet(int64_t offset, uint64_t size);                /* LD_ABS/LD_IND, value in host order */
uint64_t ebpfc_resolve_callx(uint64_t target);                            /* machine address for a callx target, or 0 */
uint64_t ebpfc_helper_by_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, uint64_t id);

#endif

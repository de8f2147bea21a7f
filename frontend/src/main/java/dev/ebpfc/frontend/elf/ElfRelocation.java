package dev.ebpfc.frontend.elf;

/// One `Elf64_Rel` entry: patch `offset` in the target section by `type` against `symbol`. BPF
/// objects use REL, not RELA: the addend is whatever the patched field already holds (for code,
/// the instruction's `imm`). Types from the kernel's Documentation/bpf/llvm_reloc.rst.
public record ElfRelocation(long offset, int type, int symbol) {
    public static final int R_BPF_NONE = 0;
    /// `lddw`: the 64-bit address `S + A`, split over both immediates.
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    public static final int R_BPF_64_NODYLD32 = 4;
    /// `call`: the callee, as `(S + A) / 8 - 1` relative slots.
    public static final int R_BPF_64_32 = 10;
}

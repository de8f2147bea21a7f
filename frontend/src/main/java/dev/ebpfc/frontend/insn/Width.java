package dev.ebpfc.frontend.insn;

/// Operation width of ALU and jump instructions: the `ALU`/`JMP32` classes operate on the low 32
/// bits (ALU results zero-extended to 64), `ALU64`/`JMP` on all 64 (RFC 9669 §4.1, §4.3).
public enum Width {
    W32, W64;

    public int bits() {
        return this == W32 ? 32 : 64;
    }
}

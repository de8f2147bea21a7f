package dev.ebpfc.backend;

/// JIT hardening, as Linux's `bpf_jit_harden`: with `blindConstants`, no immediate the program
/// supplies (ALU, jump and store immediates, `lddw` constants) appears verbatim in the machine
/// code. Each is emitted as `value ^ key` followed by an `xor` with `key`, keys drawn from a
/// generator seeded with `seed` and the program's bytes, so output stays deterministic (same
/// input, same flags, same bytes) while an attacker cannot choose the bytes in executable memory.
/// Applies at -O2 (the shared selector blinds for all three ISAs); -O0 refuses the flag.
public record Hardening(boolean blindConstants, long seed) {
    public static final Hardening NONE = new Hardening(false, 0);
}

package dev.ebpfc.ir.verify;

/// How much the verifier demands.
public enum Mode {
    /// Kernel-like: every memory access proven in bounds, no pointer leaks, loops proven to
    /// terminate, helper prototypes respected. The default for ELF programs.
    STRICT,
    /// For raw-memory programs of unknown length (the conformance suite's convention: r1 points to
    /// `mem`, r2 is its length): accesses through r1 are checked against r2 when that is provable
    /// and otherwise allowed, pointers may be stored and returned, loops need not be proven to
    /// terminate (the engines' budgets stop them). Everything else is checked as in strict mode.
    TRUSTED;

    public static Mode parse(String s) {
        return switch (s.toLowerCase()) {
            case "strict" -> STRICT;
            case "trusted" -> TRUSTED;
            default -> throw new IllegalArgumentException("no verifier mode " + s + " (strict, trusted)");
        };
    }
}

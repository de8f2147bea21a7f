package dev.ebpfc.runtime.interp;

import dev.ebpfc.runtime.ErrorKind;

/// Stops the interpreter loop with an error; the loop adds the slot. No stack trace: traps are
/// ordinary outcomes (the fuzzer produces millions).
final class Trap extends RuntimeException {
    final ErrorKind kind;
    /// The slot that failed when it is not the one the catching loop is at (a fault inside a
    /// `bpf_loop` callback, caught by the loop that called the helper); -1 otherwise.
    int slot = -1;

    Trap(ErrorKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }
}

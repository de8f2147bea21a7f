package dev.ebpfc.runtime.interp;

import dev.ebpfc.runtime.ErrorKind;

/// Stops the interpreter loop with an error; the loop adds the slot. No stack trace: traps are
/// ordinary outcomes (the fuzzer produces millions).
final class Trap extends RuntimeException {
    final ErrorKind kind;

    Trap(ErrorKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }
}

package dev.ebpfc.ir.interp;

import dev.ebpfc.runtime.ErrorKind;

/// Ends an IR interpreter run early with an error kind and the r0 the result reports (the
/// helper's return for a helper-requested stop, 0 for an out-of-bounds legacy packet load). No
/// stack trace: traps are ordinary outcomes.
final class IrTrap extends RuntimeException {
    final ErrorKind kind;
    final long r0;

    IrTrap(ErrorKind kind, long r0, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.r0 = r0;
    }

    IrTrap(ErrorKind kind, String message) {
        this(kind, 0, message);
    }
}

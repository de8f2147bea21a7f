package dev.ebpfc.backend;

import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.memory.MemoryLayout;

/// Errors compiled code detects itself and reports through [RuntimeEntry#ERROR], with the kind
/// and message the interpreter uses for the same situation.
public enum RuntimeError {
    /// A local call (or callx of a function) beyond [MemoryLayout#MAX_FRAMES] frames.
    CALL_DEPTH(ErrorKind.CALL_DEPTH),
    /// A kfunc call; detail = BTF id.
    KFUNC(ErrorKind.BAD_CALL),
    /// `lddw var_addr`; engines refuse such programs before running them, so this is a backstop.
    VARIABLE_ADDRESS(ErrorKind.UNSUPPORTED),
    /// Control reaches a slot that starts no instruction (only programs that skipped the static
    /// check can jump there or run off the end); detail = slot. The interpreter fails there too.
    NO_INSTRUCTION(ErrorKind.OUT_OF_BOUNDS),
    /// -O2: an IR `trap unreachable` was reached (as the IR interpreter reports it).
    TRAP_UNREACHABLE(ErrorKind.UNSUPPORTED),
    /// -O2: an IR `trap out_of_bounds`: a memory access the optimiser proved out of bounds.
    TRAP_OUT_OF_BOUNDS(ErrorKind.OUT_OF_BOUNDS),
    /// -O2: an IR `trap bad_call`, or a call to a function the module does not have.
    TRAP_BAD_CALL(ErrorKind.BAD_CALL);

    public final ErrorKind kind;

    RuntimeError(ErrorKind kind) {
        this.kind = kind;
    }

    public String message(long detail) {
        return switch (this) {
            case CALL_DEPTH -> "call depth exceeds " + MemoryLayout.MAX_FRAMES + " frames";
            case KFUNC -> "kfunc " + detail + " is not available";
            case VARIABLE_ADDRESS -> "lddw var_addr (kernel variable addresses) is not modelled";
            case NO_INSTRUCTION -> "control reaches slot " + detail + ", which starts no instruction";
            case TRAP_UNREACHABLE -> "trap unreachable";
            case TRAP_OUT_OF_BOUNDS -> "trap out_of_bounds";
            case TRAP_BAD_CALL -> "trap bad_call";
        };
    }

    public static RuntimeError ofCode(long code) {
        RuntimeError[] all = values();
        return code >= 0 && code < all.length ? all[(int) code] : null;
    }
}

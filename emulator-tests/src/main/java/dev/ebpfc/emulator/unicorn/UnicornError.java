package dev.ebpfc.emulator.unicorn;

/// `uc_err` from unicorn.h (Unicorn 2.0.1), in declaration order so that `ordinal()` is the C
/// value. [Unicorn#tryStart] returns these without throwing, because a differential run expects
/// faults (an out-of-bounds load is a result to compare, not a bug in the harness).
public enum UnicornError {
    OK, NOMEM, ARCH, HANDLE, MODE, VERSION,
    READ_UNMAPPED, WRITE_UNMAPPED, FETCH_UNMAPPED,
    HOOK, INSN_INVALID, MAP,
    WRITE_PROT, READ_PROT, FETCH_PROT,
    ARG, READ_UNALIGNED, WRITE_UNALIGNED, FETCH_UNALIGNED,
    HOOK_EXIST, RESOURCE, EXCEPTION,
    /// A code this table does not know (a newer library); keeps messages total.
    UNKNOWN;

    private static final UnicornError[] BY_CODE = values();

    static UnicornError of(int code) {
        return code >= 0 && code < BY_CODE.length - 1 ? BY_CODE[code] : UNKNOWN;
    }

    /// The C spelling, `UC_ERR_READ_UNMAPPED`.
    public String cName() {
        return "UC_ERR_" + name();
    }
}

package dev.ebpfc.emulator.unicorn;

/// Every failure of the Unicorn binding: a failing `uc_*` call (its name, its `uc_err` code and the
/// `uc_strerror` text), a missing library, or a Java hook that threw during emulation (the throwable
/// is the cause). Unchecked, because emulation failures are programming or environment errors for
/// most callers; the differential runner that expects faults uses [Unicorn#tryStart] instead.
public final class UnicornException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final UnicornError error;

    /// A failure not tied to one `uc_*` call (e.g. the library is missing).
    public UnicornException(String message) {
        this(message, null, null, null);
    }

    UnicornException(String message, String call, UnicornError error, Throwable cause) {
        super(message, cause);
        this.call = call;
        this.error = error;
    }

    /// `uc_mem_map: Invalid memory mapping (UC_ERR_MAP)`. The 2.0.1 texts already end with the
    /// code's name, except UC_ERR_HOOK_EXIST's ("Unknown error code"), which gets it appended.
    static UnicornException of(String call, int code) {
        UnicornError e = UnicornError.of(code);
        String text = UnicornNative.strerror(code);
        if (!text.contains(e.cName())) text += " (" + (e == UnicornError.UNKNOWN ? "uc_err " + code : e.cName()) + ")";
        return new UnicornException(call + ": " + text, call, e, null);
    }

    /// The name of the failing `uc_*` function, or null when the failure is not one call's.
    public String call() {
        return call;
    }

    /// The `uc_err` of the failing call, or null (library missing, or a hook threw and
    /// emulation itself ended cleanly).
    public UnicornError error() {
        return error;
    }
}

package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.FrontendException;

/// Assembler text that cannot be assembled. The message is one line: `line N: why`, or
/// `origin:N: why` when the text came from a named file (line numbers are then the file's).
public final class AssemblerException extends FrontendException {
    private final String origin;
    private final int line;
    private final String reason;

    public AssemblerException(String origin, int line, String reason) {
        super((origin == null ? "line " + line : origin + ":" + line) + ": " + reason);
        this.origin = origin;
        this.line = line;
        this.reason = reason;
    }

    /// The file the text came from, or null.
    public String origin() {
        return origin;
    }

    public int line() {
        return line;
    }

    /// Why, without the location.
    public String reason() {
        return reason;
    }
}

package dev.ebpfc.frontend.data;

import dev.ebpfc.frontend.FrontendException;

/// A `.data` test file that cannot be read: the message is `file:line: why`, on one line.
public final class DataFormatException extends FrontendException {
    private final String origin;
    private final int line;

    public DataFormatException(String origin, int line, String reason) {
        super(origin + ":" + line + ": " + reason);
        this.origin = origin;
        this.line = line;
    }

    public String origin() {
        return origin;
    }

    /// The 1-based line the problem is on.
    public int line() {
        return line;
    }
}

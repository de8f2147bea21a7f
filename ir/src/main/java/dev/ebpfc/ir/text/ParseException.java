package dev.ebpfc.ir.text;

/// A syntax or reference error in IR text, reported as `file:line: why`.
public final class ParseException extends Exception {
    private final String file;
    private final int line;
    private final String why;

    public ParseException(String file, int line, String why) {
        super(file + ":" + line + ": " + why);
        this.file = file;
        this.line = line;
        this.why = why;
    }

    public String file() {
        return file;
    }

    /// 1-based line number.
    public int line() {
        return line;
    }

    public String why() {
        return why;
    }
}

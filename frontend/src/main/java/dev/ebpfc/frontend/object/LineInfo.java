package dev.ebpfc.frontend.object;

/// Where the instruction at `slot` of a program came from (BTF `.BTF.ext` line info).
public record LineInfo(int slot, String file, int line, int column, String sourceLine) {
    @Override
    public String toString() {
        return file + ":" + line + (column > 0 ? ":" + column : "");
    }
}

package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.object.LineInfo;

import java.util.Objects;

/// One rejection: the function, the bytecode slot (-1 when the IR instruction has none), the
/// source line when BTF line info exists, and the kernel-style text. [#toString] is the one-line
/// message: `xdp_prog slot 12 (xdp_parse.c:31 `if (...)`): invalid access to packet, off=34 size=2, R3 range=20`.
public record Diagnostic(String function, int slot, LineInfo line, String text) {
    public Diagnostic {
        Objects.requireNonNull(function);
        Objects.requireNonNull(text);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(function);
        if (slot >= 0) sb.append(" slot ").append(slot);
        if (line != null) {
            sb.append(" (").append(fileName(line.file())).append(':').append(line.line());
            String src = line.sourceLine() == null ? "" : line.sourceLine().strip();
            if (!src.isEmpty()) sb.append(" `").append(src).append('`');
            sb.append(')');
        }
        return sb.append(": ").append(text).toString();
    }

    private static String fileName(String path) {
        if (path == null) return "?";
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}

package dev.ebpfc.frontend.asm;

/// A problem found while parsing one line, before its line number is known to the code that
/// finds it; the assemblers turn it into an [AssemblerException]. Never escapes the package.
final class SyntaxError extends RuntimeException {
    SyntaxError(String reason) {
        super(reason, null, false, false);
    }
}

package dev.ebpfc.cli;

/// A mistake in how the command was called that picocli cannot see (a file of the wrong kind, a
/// combination of options that does not fit). Exit code 2.
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}

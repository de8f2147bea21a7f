package dev.ebpfc.frontend;

/// A problem with user input found by the frontend (bytes, assembler text, `.data` files, ELF
/// objects). The message is one line naming where and why; the CLI prints it as it is.
public class FrontendException extends RuntimeException {
    public FrontendException(String message) {
        super(message, null, false, false);
    }

    public FrontendException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}

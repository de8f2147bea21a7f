package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.ErrorKind;

/// A helper refusing its arguments in a way that stops the program (a value that is no map, for
/// example); the engine turns it into a result of `kind` naming the call's slot.
public final class HelperException extends RuntimeException {
    public final ErrorKind kind;

    public HelperException(ErrorKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }
}

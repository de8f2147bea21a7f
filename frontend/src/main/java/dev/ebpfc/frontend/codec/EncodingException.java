package dev.ebpfc.frontend.codec;

import dev.ebpfc.frontend.FrontendException;

/// Bytes that are not a valid eBPF program. Names the instruction slot and byte offset.
public final class EncodingException extends FrontendException {
    private final int slot;

    public EncodingException(int slot, String reason) {
        super("insn " + slot + " (byte offset " + (slot * 8) + "): " + reason);
        this.slot = slot;
    }

    public int slot() {
        return slot;
    }
}

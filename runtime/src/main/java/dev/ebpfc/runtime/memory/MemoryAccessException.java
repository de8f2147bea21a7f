package dev.ebpfc.runtime.memory;

/// An access outside every region, or against a region's permissions. Engines turn it into an
/// `OUT_OF_BOUNDS` result naming the instruction slot.
public final class MemoryAccessException extends RuntimeException {
    public final long address;
    public final long size;
    public final boolean write;

    public MemoryAccessException(long address, long size, boolean write, String why) {
        super(String.format("%s of %d bytes at 0x%x: %s", write ? "write" : "read", size, address, why), null, false, false);
        this.address = address;
        this.size = size;
        this.write = write;
    }
}

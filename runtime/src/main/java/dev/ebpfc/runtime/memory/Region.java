package dev.ebpfc.runtime.memory;

/// One mapped region: a byte array at a window base. Accesses must fall inside `[lo, hi)` (offsets
/// from the base; `lo` is above 0 only for the packet, whose headroom is not readable until
/// `xdp_adjust_head` moves the data start into it). Fields are public and mutable on purpose: the
/// interpreter reads them in its hot loop.
public final class Region {
    public final String name;
    public final long base;
    public byte[] data;
    public int lo;
    public int hi;
    public final boolean writable;
    /// Loads and stores need the region's own rules (context field rewriting, per-field write
    /// permission); see [ContextRules].
    public final ContextRules rules;

    public Region(String name, long base, byte[] data, boolean writable, ContextRules rules) {
        if ((base & MemoryLayout.WINDOW_MASK) != 0) throw new IllegalArgumentException("region " + name + " not at a window base");
        if (data.length > MemoryLayout.WINDOW_SIZE) throw new IllegalArgumentException("region " + name + " larger than a window");
        this.name = name;
        this.base = base;
        this.data = data;
        this.lo = 0;
        this.hi = data.length;
        this.writable = writable;
        this.rules = rules;
    }

    public Region(String name, long base, byte[] data, boolean writable) {
        this(name, base, data, writable, null);
    }

    /// Whether `[offset, offset + size)` lies inside the accessible part.
    public boolean contains(long offset, long size) {
        return offset >= lo && size >= 0 && offset <= hi - size;
    }

    /// The accessible part as a description for messages.
    public String describe() {
        return String.format("%s [0x%x, 0x%x)", name, base + lo, base + hi);
    }

    /// Region-specific access rules (the program context): loads that the kernel rewrites and
    /// fields the program may write.
    public interface ContextRules {
        /// The value a load of `size` bytes at `offset` yields, or null to read the bytes as they are.
        Long load(int offset, int size);

        /// Whether the program may write `size` bytes at `offset`.
        boolean writable(int offset, int size);
    }
}

package dev.ebpfc.runtime.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/// The regions of one run, indexed by window (see [MemoryLayout]). The table is a plain array so
/// the interpreter can find a region with one shift and one load; helpers use the [Memory] methods.
public final class AddressSpace implements Memory {
    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /// Region by window number; null where nothing is mapped.
    public final Region[] windows = new Region[MemoryLayout.WINDOW_COUNT];

    public void map(Region region) {
        int w = MemoryLayout.window(region.base);
        if (windows[w] != null) throw new IllegalStateException("window of " + region.name + " already holds " + windows[w].name);
        windows[w] = region;
    }

    public void unmap(long base) {
        windows[MemoryLayout.window(base)] = null;
    }

    /// The region containing `address`, or null.
    public Region regionAt(long address) {
        int w = MemoryLayout.window(address);
        return w < 0 ? null : windows[w];
    }

    public List<Region> regions() {
        List<Region> out = new ArrayList<>();
        for (Region r : windows) if (r != null) out.add(r);
        return out;
    }

    /// Finds the region for an access and checks bounds and permission; throws otherwise.
    public Region check(long address, long size, boolean write) {
        Region r = regionAt(address);
        if (r == null) throw new MemoryAccessException(address, size, write, "no region");
        long off = address - r.base;
        if (!r.contains(off, size)) throw new MemoryAccessException(address, size, write, "outside " + r.describe());
        if (write) {
            if (r.rules != null ? !r.rules.writable((int) off, (int) size) : !r.writable) {
                throw new MemoryAccessException(address, size, true, (r.rules != null ? "field not writable in " : "read-only region ") + r.describe());
            }
        }
        return r;
    }

    @Override
    public long read(long address, int size) {
        Region r = check(address, size, false);
        int off = (int) (address - r.base);
        if (r.rules != null) {
            Long v = r.rules.load(off, size);
            if (v != null) return v;
        }
        return get(r.data, off, size);
    }

    @Override
    public void write(long address, int size, long value) {
        Region r = check(address, size, true);
        put(r.data, (int) (address - r.base), size, value);
    }

    @Override
    public byte[] readBytes(long address, int length) {
        if (length == 0) return new byte[0];
        Region r = check(address, length, false);
        int off = (int) (address - r.base);
        byte[] out = new byte[length];
        System.arraycopy(r.data, off, out, 0, length);
        return out;
    }

    @Override
    public void writeBytes(long address, byte[] bytes) {
        if (bytes.length == 0) return;
        Region r = check(address, bytes.length, true);
        System.arraycopy(bytes, 0, r.data, (int) (address - r.base), bytes.length);
    }

    @Override
    public boolean accessible(long address, long length, boolean write) {
        if (length == 0) return true;
        try {
            check(address, length, write);
            return true;
        } catch (MemoryAccessException e) {
            return false;
        }
    }

    /// Little-endian read of 1/2/4/8 bytes, zero-extended.
    public static long get(byte[] data, int off, int size) {
        return switch (size) {
            case 1 -> data[off] & 0xffL;
            case 2 -> (short) I16.get(data, off) & 0xffffL;
            case 4 -> (int) I32.get(data, off) & 0xffffffffL;
            case 8 -> (long) I64.get(data, off);
            default -> throw new IllegalArgumentException("access size " + size);
        };
    }

    public static void put(byte[] data, int off, int size, long value) {
        switch (size) {
            case 1 -> data[off] = (byte) value;
            case 2 -> I16.set(data, off, (short) value);
            case 4 -> I32.set(data, off, (int) value);
            case 8 -> I64.set(data, off, value);
            default -> throw new IllegalArgumentException("access size " + size);
        }
    }
}

package dev.ebpfc.backend;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/// The output of [Target#compile]: machine code for one BPF program followed by its constant pool.
///
/// - `code`: the bytes, pool included (pool entries zero until [#link] fills them).
/// - `entryOffset`: where `prog(r1, r2, r10_top)` starts (docs/native-abi.md).
/// - `unwindOffset`: the path that leaves the program from any depth, restoring the caller's
///   registers and stack; engines resume there to stop a run from inside a helper.
/// - `functionOffsets`: machine offset of each BPF function (the entry first), in slot order.
/// - `slotOffsets`: machine offset of each BPF slot's code (-1 for the second slot of `lddw`),
///   so engines map a faulting PC back to the slot, and `callx` can reach any instruction.
/// - `poolOffset`, `pool`: entry `i` of the pool is the 8 bytes at `poolOffset + 8·i`.
/// - `listing`: the machine code per BPF instruction, as the ISA's disassembler prints it.
/// - `slotRanges`: for code whose slots are not laid out in order (-O2), machine ranges that
///   belong to one slot, as triples `start, end, slot` (`[start, end)`, sorted by start, not
///   overlapping): the memory accesses and calls out that may stop a run, so that a fault or a
///   helper's stop is reported at the interpreter's slot. Empty for -O0 code.
public record CompiledProgram(String target, byte[] code, int entryOffset, int unwindOffset, int[] functionOffsets,
                              int[] slotOffsets, int poolOffset, List<PoolEntry> pool, String listing, int[] slotRanges) {
    /// Without slot ranges (code laid out in slot order).
    public CompiledProgram(String target, byte[] code, int entryOffset, int unwindOffset, int[] functionOffsets,
                           int[] slotOffsets, int poolOffset, List<PoolEntry> pool, String listing) {
        this(target, code, entryOffset, unwindOffset, functionOffsets, slotOffsets, poolOffset, pool, listing, new int[0]);
    }

    public CompiledProgram {
        slotRanges = slotRanges.clone();
        if (slotRanges.length % 3 != 0) throw new IllegalArgumentException("slot ranges are triples");
        for (int i = 0; i < slotRanges.length; i += 3) {
            if (slotRanges[i] >= slotRanges[i + 1] || (i > 0 && slotRanges[i] < slotRanges[i - 2])) {
                throw new IllegalArgumentException("slot ranges must be non-empty, sorted and disjoint");
            }
        }
        Objects.requireNonNull(target);
        code = code.clone();
        functionOffsets = functionOffsets.clone();
        slotOffsets = slotOffsets.clone();
        pool = List.copyOf(pool);
        if (poolOffset % 8 != 0 || poolOffset + 8L * pool.size() != code.length) {
            throw new IllegalArgumentException("pool of " + pool.size() + " entries at " + poolOffset + " does not end the " + code.length + " bytes of code");
        }
    }

    /// How a loader fills the pool: the 64-bit value of each entry in this place (an emulator's
    /// layout addresses and trap stubs, or the host's real addresses and upcall stubs).
    @FunctionalInterface
    public interface PoolResolver {
        long value(PoolEntry entry);
    }

    /// A copy of the code with every pool entry written (little-endian on all three targets).
    public byte[] link(PoolResolver resolver) {
        byte[] out = code.clone();
        for (int i = 0; i < pool.size(); i++) {
            long v = resolver.value(pool.get(i));
            int at = poolOffset + 8 * i;
            for (int b = 0; b < 8; b++) out[at + b] = (byte) (v >>> (8 * b));
        }
        return out;
    }

    /// Bytes of machine code before the pool.
    public int codeSize() {
        int end = poolOffset;
        return pool.isEmpty() ? code.length : end;
    }

    /// The BPF slot whose machine code contains `offset`, or -1 (prologue, stubs, pool): the slot
    /// of the [#slotRanges] range holding it, else the last slot starting at or before it.
    public int slotAt(int offset) {
        int lo = 0, hi = slotRanges.length / 3 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (offset < slotRanges[3 * mid]) hi = mid - 1;
            else if (offset >= slotRanges[3 * mid + 1]) lo = mid + 1;
            else return slotRanges[3 * mid + 2];
        }
        int best = -1, bestOffset = -1;
        for (int s = 0; s < slotOffsets.length; s++) {
            int o = slotOffsets[s];
            if (o >= 0 && o <= offset && o >= bestOffset) {
                // Empty slots (an lddw's second half never has code) share offsets: keep the last start.
                best = s;
                bestOffset = o;
            }
        }
        return offset < codeSize() ? best : -1;
    }

    @Override
    public byte[] code() {
        return code.clone();
    }

    @Override
    public int[] slotOffsets() {
        return slotOffsets.clone();
    }

    @Override
    public int[] slotRanges() {
        return slotRanges.clone();
    }

    @Override
    public int[] functionOffsets() {
        return functionOffsets.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompiledProgram c && target.equals(c.target) && Arrays.equals(code, c.code) && entryOffset == c.entryOffset
                && unwindOffset == c.unwindOffset && Arrays.equals(functionOffsets, c.functionOffsets)
                && Arrays.equals(slotOffsets, c.slotOffsets) && poolOffset == c.poolOffset && pool.equals(c.pool)
                && Arrays.equals(slotRanges, c.slotRanges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, Arrays.hashCode(code), entryOffset, poolOffset, pool);
    }

    @Override
    public String toString() {
        return target + " code: " + codeSize() + " bytes, pool " + pool.size() + " entries";
    }
}

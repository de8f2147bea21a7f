package dev.ebpfc.ir.verify;

import java.util.Arrays;
import java.util.Objects;

/// What the verifier knows about one 512-byte stack frame: which bytes are initialised, and for
/// each 8-byte slot the value last spilled into it (a register stored whole, or a narrower scalar
/// at a fixed position), so pointers and bounded integers survive a trip through the stack as
/// they do in the kernel's `bpf_stack_state`. Offsets are relative to the frame pointer:
/// `[-512, 0)`. Mutable; [State] copies frames before changing them.
final class StackFrame {
    static final int SIZE = 512;

    /// A value stored at byte `pos` of its slot with `size` bytes.
    record Spill(int pos, int size, AbsValue value) {
    }

    /// Bit `i` set: byte `i - 512` is initialised.
    private final long[] init = new long[SIZE / 64];
    private final Spill[] slots = new Spill[SIZE / 8];
    /// Whether a packet pointer naming a symbol may be spilled here (so [Packet#forget] can skip
    /// frames without one).
    private boolean namedPacketSpill;

    StackFrame copy() {
        StackFrame f = new StackFrame();
        System.arraycopy(init, 0, f.init, 0, init.length);
        System.arraycopy(slots, 0, f.slots, 0, slots.length);
        f.namedPacketSpill = namedPacketSpill;
        return f;
    }

    boolean hasNamedPacketSpill() {
        return namedPacketSpill;
    }

    boolean initialised(int off, int size) {
        return firstUninitialised(off, size) == Integer.MIN_VALUE;
    }

    /// The first byte of `[off, off + size)` not initialised, or `Integer.MIN_VALUE`.
    int firstUninitialised(int off, int size) {
        for (int i = off + SIZE; i < off + SIZE + size; i++) {
            if ((init[i >>> 6] & (1L << (i & 63))) == 0) return i - SIZE;
        }
        return Integer.MIN_VALUE;
    }

    void markInitialised(int off, int size) {
        for (int i = off + SIZE; i < off + SIZE + size; i++) init[i >>> 6] |= 1L << (i & 63);
    }

    /// A store of `size` bytes of `v` at the fixed offset `off`.
    void write(int off, int size, AbsValue v) {
        markInitialised(off, size);
        int first = (off + SIZE) >> 3, last = (off + SIZE + size - 1) >> 3;
        for (int k = first; k <= last; k++) slots[k] = null;
        if (first == last) {
            int pos = (off + SIZE) & 7;
            if (v instanceof Scalar s) slots[first] = new Spill(pos, size, s.truncate(8 * size));
            else if (size == 8) slots[first] = new Spill(0, 8, v);
            if (v instanceof AbsValue.Ptr p && p.sym() != null) namedPacketSpill = true;
        }
    }

    /// A store whose position within `[lo, hi)` is not known: initialised bytes stay so, but no
    /// slot keeps a known value.
    void clobber(int lo, int hi) {
        if (hi <= lo) return;
        int first = Math.max(0, (lo + SIZE) >> 3), last = Math.min(slots.length - 1, (hi - 1 + SIZE) >> 3);
        for (int k = first; k <= last; k++) slots[k] = null;
    }

    /// The spill that a load of `size` bytes at `off` reads back whole, or null.
    Spill spillAt(int off, int size) {
        int first = (off + SIZE) >> 3, last = (off + SIZE + size - 1) >> 3;
        if (first != last) return null;
        Spill s = slots[first];
        return s != null && s.pos() == ((off + SIZE) & 7) && s.size() == size ? s : null;
    }

    /// A pointer spilled into a slot that `[off, off + size)` overlaps only in part, or null.
    Spill partialPointerAt(int off, int size) {
        int first = (off + SIZE) >> 3, last = (off + SIZE + size - 1) >> 3;
        for (int k = first; k <= last; k++) {
            Spill s = slots[k];
            if (s != null && !(s.value() instanceof Scalar) && !(size == 8 && first == last && ((off + SIZE) & 7) == 0)) return s;
        }
        return null;
    }

    /// A constant spilled whole into the slot holding `[off, off + size)`, or null.
    Long constantBytes(int off, int size) {
        int first = (off + SIZE) >> 3, last = (off + SIZE + size - 1) >> 3;
        if (first != last) return null;
        Spill s = slots[first];
        if (s == null || !(s.value() instanceof Scalar v) || !v.isConstant()) return null;
        int pos = (off + SIZE) & 7;
        if (pos < s.pos() || pos + size > s.pos() + s.size()) return null;
        long bytes = v.umin() >>> (8 * (pos - s.pos()));
        return size == 8 ? bytes : bytes & ((1L << (8 * size)) - 1);
    }

    /// Replaces each spilled value `v` at offset `off` by `f(off, v)` (null: forgotten).
    void forEachSpill(java.util.function.BiFunction<Integer, AbsValue, AbsValue> f) {
        for (int k = 0; k < slots.length; k++) {
            Spill s = slots[k];
            if (s == null) continue;
            AbsValue n = f.apply(k * 8 - SIZE, s.value());
            if (n != s.value()) slots[k] = n == null ? null : new Spill(s.pos(), s.size(), n);
        }
    }

    /// Every slot's value forgotten (a call that may write anywhere the frame is reachable).
    void forgetSpills() {
        Arrays.fill(slots, null);
    }

    /// The frame both `a` and `b` describe; `widen` makes slot values jump to thresholds.
    static StackFrame join(StackFrame a, StackFrame b, Thresholds widen) {
        StackFrame f = new StackFrame();
        for (int i = 0; i < a.init.length; i++) f.init[i] = a.init[i] & b.init[i];
        f.namedPacketSpill = a.namedPacketSpill || b.namedPacketSpill;
        for (int k = 0; k < a.slots.length; k++) {
            Spill x = a.slots[k], y = b.slots[k];
            if (x == null || y == null || x.pos() != y.pos() || x.size() != y.size()) continue;
            if (x.equals(y)) {
                f.slots[k] = x;
                continue;
            }
            AbsValue v = widen != null ? AbsValue.widen(x.value(), AbsValue.join(x.value(), y.value()), widen) : AbsValue.join(x.value(), y.value());
            f.slots[k] = new Spill(x.pos(), x.size(), v);
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StackFrame f && Arrays.equals(init, f.init) && Arrays.equals(slots, f.slots);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(init), Arrays.hashCode(slots));
    }
}

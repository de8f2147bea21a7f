package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.Value;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/// The abstract state at one program point of one function analysis: the abstract value of each
/// SSA value defined so far (by value id; a branch refines the entries of the values it tests),
/// the stack frames of the call chain (index = call depth; this function's is the last), and
/// and the packet's relational facts ([Packet]): `dataRange`, the number of bytes after `data`
/// proven to lie before `data_end`, and `pktRange`, the same for each symbol (`sym + R <= data_end`
/// for a pointer symbol, `data + sym + R <= data_end` for an integer one).
final class State {
    final AbsValue[] values;
    final StackFrame[] frames;
    long dataRange;
    Map<Value, Long> pktRange = Map.of();

    State(int valueCount, StackFrame[] frames) {
        this.values = new AbsValue[valueCount];
        this.frames = frames;
    }

    private State(AbsValue[] values, StackFrame[] frames, long dataRange, Map<Value, Long> pktRange) {
        this.values = values;
        this.frames = frames;
        this.dataRange = dataRange;
        this.pktRange = pktRange;
    }

    State copy() {
        StackFrame[] f = new StackFrame[frames.length];
        for (int i = 0; i < f.length; i++) f[i] = frames[i].copy();
        return new State(values.clone(), f, dataRange, pktRange);
    }

    /// The proven range of packet symbol `sym` (0 if none).
    long range(Value sym) {
        Long r = pktRange.get(sym);
        return r == null ? 0 : r;
    }

    void setRange(Value sym, long r) {
        if (r <= 0 && !pktRange.containsKey(sym)) return;
        Map<Value, Long> m = new HashMap<>(pktRange);
        if (r <= 0) m.remove(sym);
        else m.put(sym, r);
        pktRange = m;
    }

    AbsValue get(Value v) {
        return values[v.id()];
    }

    void set(Value v, AbsValue a) {
        values[v.id()] = a;
    }

    StackFrame frame(int depth) {
        return frames[depth];
    }

    int depth() {
        return frames.length - 1;
    }

    /// The join of `a` and `b` (either may be null: unreached); with `th`, `a` (the older state)
    /// widened by the join.
    static State join(State a, State b, Thresholds th) {
        if (a == null) return b == null ? null : b.copy();
        if (b == null) return a.copy();
        AbsValue[] v = new AbsValue[a.values.length];
        for (int i = 0; i < v.length; i++) {
            AbsValue x = a.values[i], y = b.values[i];
            if (x == y || y == null) v[i] = x;
            else if (x == null) v[i] = y;
            else if (th != null) v[i] = AbsValue.widen(x, AbsValue.join(x, y), th);
            else v[i] = AbsValue.join(x, y);
        }
        StackFrame[] f = new StackFrame[a.frames.length];
        for (int i = 0; i < f.length; i++) f[i] = StackFrame.join(a.frames[i], b.frames[i], th);
        long r = Math.min(a.dataRange, b.dataRange);
        Map<Value, Long> pr = a.pktRange;
        if (!a.pktRange.equals(b.pktRange)) {
            pr = new HashMap<>();
            // A fact one side lacks may still be implied by its values.
            java.util.Set<Value> keys = new java.util.HashSet<>(a.pktRange.keySet());
            keys.addAll(b.pktRange.keySet());
            for (Value k : keys) {
                Long x = a.pktRange.get(k), y = b.pktRange.get(k);
                long ra = x != null ? x : Packet.implied(a, k), rb = y != null ? y : Packet.implied(b, k);
                long m = Math.min(ra, rb);
                // Widening: a range still shrinking at a loop header is dropped.
                if (m <= 0 || (th != null && m < ra)) continue;
                pr.put(k, m);
            }
        }
        if (th != null && r < a.dataRange) r = 0;
        return new State(v, f, r, pr);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof State s && dataRange == s.dataRange && pktRange.equals(s.pktRange) && Arrays.equals(values, s.values) && Arrays.equals(frames, s.frames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(values), Arrays.hashCode(frames), dataRange, pktRange);
    }
}

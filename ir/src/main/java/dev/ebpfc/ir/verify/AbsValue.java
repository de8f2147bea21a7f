package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.Value;

import java.util.Objects;

/// The abstract value of one SSA value (or of a spilled stack slot): an integer ([Scalar]), a
/// pointer into a known region ([Ptr]), a function ([FuncRef]), or [Top] (a pointer or an
/// integer, unknown which: the join of different kinds). The lattice operations live here.
public sealed interface AbsValue permits Scalar, AbsValue.Ptr, AbsValue.FuncRef, AbsValue.Top {

    /// Where a pointer points. The names are the ones messages use.
    enum Region {
        STACK("fp"), CTX("ctx"), PACKET("pkt"), PACKET_END("pkt_end"), MAP("map_ptr"), MAP_VALUE("map_value"),
        GLOBAL("global data"), MEM("mem"), RINGBUF_RECORD("ringbuf_mem");

        public final String spelling;

        Region(String spelling) {
            this.spelling = spelling;
        }

        /// Regions whose pointers may be dereferenced.
        public boolean dereferenceable() {
            return this != PACKET_END && this != MAP;
        }
    }

    /// A pointer `base + off`. `id` is the frame depth for the stack, the map index for maps, map
    /// values and global data, the record size for ring-buffer records. Packet pointers also carry
    /// `sym` and `c`: the pointer is `sym + c`, where `sym` is the SSA value that introduced a
    /// variable offset (null: `data` itself, then `off` is exact), and `range` is, on a symbol's
    /// own value, how many bytes past it the program has proved lie before `data_end`. `maybeNull`
    /// marks map lookups (and ring-buffer reservations) not yet checked against 0; `nullId` is the
    /// call that produced them, so a check on one copy refines every copy.
    record Ptr(Region region, int id, Scalar off, Value sym, long c, long range, boolean maybeNull, Value nullId) implements AbsValue {
        public Ptr {
            Objects.requireNonNull(region);
            Objects.requireNonNull(off);
        }

        static Ptr to(Region region, int id, long off) {
            return new Ptr(region, id, Scalar.constant(off), null, off, 0, false, null);
        }

        Ptr withOff(Scalar newOff, long newC) {
            return new Ptr(region, id, newOff, sym, newC, 0, maybeNull, nullId);
        }

        Ptr withRange(long r) {
            return new Ptr(region, id, off, sym, c, r, maybeNull, nullId);
        }

        Ptr nonNull() {
            return new Ptr(region, id, off, sym, c, range, false, null);
        }

        /// Whether `other` points into the same object (same region, frame or map).
        boolean sameObject(Ptr other) {
            return region == other.region && id == other.id;
        }

        public String kindName() {
            if (maybeNull) return region == Region.MAP_VALUE ? "map_value_or_null" : region.spelling + "_or_null";
            return region.spelling;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(kindName()).append("(off=").append(off);
            if (sym != null) sb.append(",sym=").append(sym).append('+').append(c);
            if (range != 0) sb.append(",r=").append(range);
            return sb.append(')').toString();
        }
    }

    /// The address of a function of the module (`lddw func`, callbacks).
    record FuncRef(String function) implements AbsValue {
    }

    /// A pointer or an integer, unknown which.
    enum Top implements AbsValue {
        TOP;

        @Override
        public String toString() {
            return "mixed";
        }
    }

    default String kindName() {
        return switch (this) {
            case Scalar _ -> "scalar";
            case Ptr p -> p.kindName();
            case FuncRef _ -> "func";
            case Top _ -> "mixed";
        };
    }

    static boolean isPointer(AbsValue v) {
        return !(v instanceof Scalar);
    }

    // ---- lattice --------------------------------------------------------------------------------

    static AbsValue join(AbsValue a, AbsValue b) {
        if (a == null) return b;
        if (b == null || a.equals(b)) return a;
        if (a instanceof Scalar x && b instanceof Scalar y) return x.join(y);
        if (a instanceof Ptr p && b instanceof Ptr q && p.sameObject(q)) return joinPtr(p, q);
        // A lookup result joined with NULL is the same nullable pointer.
        if (a instanceof Ptr p && b instanceof Scalar s && isZero(s)) return orNull(p);
        if (b instanceof Ptr p && a instanceof Scalar s && isZero(s)) return orNull(p);
        return Top.TOP;
    }

    static AbsValue widen(AbsValue old, AbsValue next, Thresholds th) {
        if (old == null || old.equals(next)) return next;
        if (old instanceof Scalar x && next instanceof Scalar y) return x.widen(y, th);
        if (old instanceof Ptr p && next instanceof Ptr q && p.sameObject(q)) {
            // `next` is already the join, so its symbol and constant are the common ones.
            Scalar off = p.off().widen(q.off(), th);
            long range = q.range() < p.range() ? 0 : q.range();
            return new Ptr(q.region(), q.id(), off, q.sym(), q.c(), range, q.maybeNull(), q.nullId());
        }
        return next;
    }

    private static Ptr joinPtr(Ptr p, Ptr q) {
        Scalar off = p.off().join(q.off());
        Value sym = p.sym();
        long c = p.c();
        if (!Objects.equals(p.sym(), q.sym()) || p.c() != q.c()) {
            // Different variable parts: only the offset from `data` remains.
            sym = null;
            c = 0;
        }
        boolean maybeNull = p.maybeNull() || q.maybeNull();
        Value nullId = Objects.equals(p.nullId(), q.nullId()) ? p.nullId() : null;
        return new Ptr(p.region(), p.id(), off, sym, c, Math.min(p.range(), q.range()), maybeNull, maybeNull ? nullId : null);
    }

    private static Ptr orNull(Ptr p) {
        return new Ptr(p.region(), p.id(), p.off(), p.sym(), p.c(), p.range(), true, p.nullId());
    }

    static boolean isZero(Scalar s) {
        return s.isConstant() && s.umin() == 0;
    }
}

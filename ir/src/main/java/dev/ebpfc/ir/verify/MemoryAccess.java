package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.verify.AbsValue.FuncRef;
import dev.ebpfc.ir.verify.AbsValue.Ptr;
import dev.ebpfc.ir.verify.AbsValue.Region;
import dev.ebpfc.ir.verify.AbsValue.Top;
import dev.ebpfc.runtime.context.ContextKind;

/// The memory-safety check of every access — loads, stores, atomics and the memory arguments of
/// helpers — against the region its address points into: the stack (bounds and initialised
/// bytes), the context (field layout), the packet (the proven range), map values, global data
/// (value size, `.rodata` read-only), raw `mem` (its length r2) and ring-buffer records. Also
/// the value a load produces and the effect of a store on the tracked stack.
final class MemoryAccess {
    /// The largest variable offset a pointer may carry (Linux: BPF_MAX_VAR_OFF).
    static final long MAX_VAR_OFF = 1L << 29;
    /// `BPF_F_RDONLY_PROG`: the program may only read the map's values.
    private static final int BPF_F_RDONLY_PROG = 1 << 7;

    enum Kind {
        READ, WRITE, ATOMIC, HELPER_READ, HELPER_WRITE, HELPER_READ_WRITE;

        boolean reads() {
            return this != WRITE && this != HELPER_WRITE;
        }

        boolean writes() {
            return this != READ && this != HELPER_READ;
        }

        boolean helper() {
            return this == HELPER_READ || this == HELPER_WRITE || this == HELPER_READ_WRITE;
        }
    }

    private final FunctionAnalysis fa;
    private final State s;
    private final Recorder rec;

    MemoryAccess(FunctionAnalysis fa, State s, Recorder rec) {
        this.fa = fa;
        this.s = s;
        this.rec = rec;
    }

    private String reg(Inst inst, Value v) {
        return fa.module.names.reg(inst, v);
    }

    /// `size` bytes loaded from `addr + off`; the value read, or an unknown integer after an error.
    AbsValue load(Inst inst, Value addr, long off, int size, boolean signed) {
        AbsValue a = s.get(addr);
        if (!check(inst, addr, a, off, size, size, Kind.READ)) return loaded(Scalar.ofSize(size), size, signed);
        Ptr p = (Ptr) a;
        switch (p.region()) {
            case STACK -> {
                if (!p.off().isConstant()) return loaded(Scalar.ofSize(size), size, signed);
                StackFrame f = s.frames[p.id()];
                int at = (int) (p.off().umin() + off);
                StackFrame.Spill spill = f.spillAt(at, size);
                if (spill != null) {
                    return spill.value() instanceof Scalar v ? loaded(v, size, signed) : spill.value();
                }
                if (f.partialPointerAt(at, size) != null) {
                    if (fa.module.strict()) rec.error(inst, "invalid size of register fill: " + reg(inst, addr) + " reads " + size + " bytes of a spilled pointer at off=" + at);
                    return loaded(Scalar.ofSize(size), size, signed);
                }
                Long bytes = f.constantBytes(at, size);
                return loaded(bytes != null ? Scalar.constant(bytes) : Scalar.ofSize(size), size, signed);
            }
            case CTX -> {
                ContextLayout.Access acc = fa.module.layout.access(p.off().umin() + off, size, false);
                AbsValue v = ((ContextLayout.Access.Ok) acc).result();
                return v instanceof Scalar sc ? loaded(sc, size, signed) : v;
            }
            case GLOBAL -> {
                MapDef m = fa.module.map(p.id());
                byte[] init = m.initialValue();
                if (m.readOnly() && init != null && p.off().isConstant()) {
                    long at = p.off().umin() + off, v = 0;
                    for (int i = size - 1; i >= 0; i--) v = v << 8 | (init[(int) at + i] & 0xff);
                    return loaded(Scalar.constant(v), size, signed);
                }
                return loaded(Scalar.ofSize(size), size, signed);
            }
            default -> {
                return loaded(Scalar.ofSize(size), size, signed);
            }
        }
    }

    private static Scalar loaded(Scalar v, int size, boolean signed) {
        Scalar t = v.truncate(8 * size);
        return signed ? t.sext(8 * size) : t;
    }

    /// `size` bytes of `value` stored at `addr + off`.
    void store(Inst inst, Value addr, long off, int size, Value value) {
        AbsValue a = s.get(addr), v = s.get(value);
        if (!check(inst, addr, a, off, size, size, Kind.WRITE)) return;
        Ptr p = (Ptr) a;
        if (p.region() == Region.STACK) {
            StackFrame f = s.frames[p.id()];
            if (p.off().isConstant()) f.write((int) (p.off().umin() + off), size, v);
            else f.clobber((int) (p.off().smin() + off), (int) (p.off().smax() + off + size));
            return;
        }
        if (fa.module.strict() && isPointer(v)) rec.error(inst, reg(inst, value) + " leaks addr into " + regionName(p));
    }

    /// An atomic read-modify-write of `size` bytes at `addr + off` with `value`.
    AbsValue atomic(Inst inst, Value addr, long off, int size, Value value) {
        AbsValue a = s.get(addr), v = s.get(value);
        if (!check(inst, addr, a, off, size, size, Kind.ATOMIC)) return Scalar.ofSize(size);
        Ptr p = (Ptr) a;
        if (fa.module.strict() && isPointer(v)) rec.error(inst, reg(inst, value) + " leaks addr into " + regionName(p));
        if (p.region() == Region.STACK) {
            StackFrame f = s.frames[p.id()];
            if (p.off().isConstant()) f.write((int) (p.off().umin() + off), size, Scalar.ofSize(size));
            else f.clobber((int) (p.off().smin() + off), (int) (p.off().smax() + off + size));
        }
        return Scalar.ofSize(size);
    }

    /// A helper's access to `[ptr, ptr + size)` with `size` in `[sizeLo, sizeHi]`; false after an
    /// error. A write to the stack at a known place initialises the bytes.
    boolean helperMemory(Inst inst, Value ptr, long sizeLo, long sizeHi, Kind kind) {
        AbsValue a = s.get(ptr);
        if (!check(inst, ptr, a, 0, sizeLo, sizeHi, kind)) return false;
        Ptr p = (Ptr) a;
        if (kind.writes() && p.region() == Region.STACK) {
            StackFrame f = s.frames[p.id()];
            if (p.off().isConstant() && sizeLo == sizeHi) {
                int at = (int) p.off().umin();
                f.clobber(at, at + (int) sizeHi);
                f.markInitialised(at, (int) sizeHi);
            } else {
                f.clobber((int) p.off().smin(), (int) (p.off().smax() + sizeHi));
            }
        }
        return true;
    }

    static boolean isPointer(AbsValue v) {
        return v instanceof Ptr || v instanceof FuncRef || v instanceof Top;
    }

    private String regionName(Ptr p) {
        return switch (p.region()) {
            case STACK -> "stack";
            case CTX -> "ctx";
            case PACKET, PACKET_END -> "packet";
            case MAP_VALUE -> "map value";
            case GLOBAL -> "global data " + fa.module.map(p.id()).name();
            case MEM -> "mem";
            case MAP -> "map";
            case RINGBUF_RECORD -> "ringbuf record";
        };
    }

    // ---- the check --------------------------------------------------------------------------

    /// Whether an access of `[sizeLo, sizeHi]` bytes at `addr + off` is allowed; reports why not.
    /// Records the access fact when it is.
    private boolean check(Inst inst, Value addrV, AbsValue addr, long off, long sizeLo, long sizeHi, Kind kind) {
        String r = reg(inst, addrV);
        if (!(addr instanceof Ptr p)) {
            rec.error(inst, r + " invalid mem access '" + addr.kindName() + "'" + (kind.helper() ? ": expected a pointer to memory" : ""));
            return false;
        }
        if (p.maybeNull()) {
            rec.error(inst, r + " invalid mem access '" + p.kindName() + "': check the pointer against NULL first");
            return false;
        }
        if (!p.region().dereferenceable()) {
            rec.error(inst, r + " invalid mem access '" + p.kindName() + "'");
            return false;
        }
        if (kind == Kind.ATOMIC && (p.region() == Region.CTX || p.region() == Region.PACKET)) {
            rec.error(inst, "BPF_ATOMIC stores into " + r + " " + p.kindName() + " is not allowed");
            return false;
        }
        Scalar o = p.off();
        if (o.smin() < -MAX_VAR_OFF || o.smax() > MAX_VAR_OFF) {
            rec.error(inst, r + " unbounded memory access into " + p.kindName() + ", make sure to bounds check any such access");
            return false;
        }
        long lo = o.smin() + off, hi = o.smax() + off + sizeHi;
        int size = (int) sizeHi;
        return switch (p.region()) {
            case STACK -> stack(inst, r, p, lo, hi, size, kind);
            case CTX -> ctx(inst, r, p, off, size, kind);
            case PACKET -> packet(inst, r, p, off, lo, hi, size, kind);
            case MAP_VALUE, GLOBAL -> mapValue(inst, r, p, lo, hi, size, kind);
            case MEM -> mem(inst, r, p, lo, hi, size);
            case RINGBUF_RECORD -> bounded(inst, p, lo, hi, size, p.id(), "invalid access to ringbuf_mem, mem_size=" + p.id());
            case PACKET_END, MAP -> false;
        };
    }

    private static String offs(long lo, long hi, int size) {
        long last = hi - size;
        return lo == last ? "off=" + lo : "off=[" + lo + "," + last + "]";
    }

    private void fact(Inst inst, Ptr p, long lo, long hi, int size, boolean inBounds) {
        if (rec.active()) rec.access(inst, new VerifierFacts.Access(p.region(), p.id(), lo, hi - size, size, inBounds));
    }

    private boolean stack(Inst inst, String r, Ptr p, long lo, long hi, int size, Kind kind) {
        if (p.id() > s.depth()) {
            rec.error(inst, r + " points into the stack of a function that has returned");
            return false;
        }
        if (lo < -StackFrame.SIZE || hi > 0) {
            rec.error(inst, "invalid " + (kind.helper() ? "indirect " : "") + "access to stack " + r + " " + offs(lo, hi, size) + " size=" + size
                    + " (the frame is " + StackFrame.SIZE + " bytes)");
            return false;
        }
        if (kind.reads() && size > 0) {
            int bad = s.frames[p.id()].firstUninitialised((int) lo, (int) (hi - lo));
            if (bad != Integer.MIN_VALUE) {
                rec.error(inst, "invalid " + (kind.helper() ? "indirect " : "") + "read from stack " + r + " " + offs(lo, hi, size) + " size=" + size
                        + ": byte " + bad + " is not initialised");
                return false;
            }
        }
        fact(inst, p, lo, hi, size, true);
        return true;
    }

    private boolean ctx(Inst inst, String r, Ptr p, long off, int size, Kind kind) {
        if (!p.off().isConstant()) {
            rec.error(inst, r + " variable ctx access " + offs(p.off().smin() + off, p.off().smax() + off + size, size) + " prohibited");
            return false;
        }
        if (kind.helper()) {
            rec.error(inst, r + " type=ctx expected=fp, pkt, map_value: the context is not memory a helper may use");
            return false;
        }
        long at = p.off().umin() + off;
        ContextLayout.Access acc = fa.module.layout.access(at, size, kind.writes());
        if (acc instanceof ContextLayout.Access.Refused(String why)) {
            rec.error(inst, "invalid bpf_context access off=" + at + " size=" + size + ": " + why);
            return false;
        }
        fact(inst, p, at, at + size, size, true);
        return true;
    }

    private boolean packet(Inst inst, String r, Ptr p, long off, long lo, long hi, int size, Kind kind) {
        if (kind.writes() && fa.module.options.context() == ContextKind.SOCKET_FILTER) {
            rec.error(inst, "cannot write into packet: socket filters may only read it");
            return false;
        }
        if (!Packet.inBounds(s, p, off, size)) {
            long rel = p.sym() != null ? p.c() + off : lo;
            rec.error(inst, "invalid access to packet, off=" + rel + " size=" + size + ", " + r + " range=" + Packet.provenRange(s, p));
            return false;
        }
        fact(inst, p, lo, hi, size, true);
        return true;
    }

    private boolean mapValue(Inst inst, String r, Ptr p, long lo, long hi, int size, Kind kind) {
        MapDef m = fa.module.map(p.id());
        int vs = m.valueSize();
        String what = p.region() == Region.GLOBAL ? "global data " + m.name() : "map value of " + m.name();
        if (lo < 0 || hi > vs) {
            rec.error(inst, "invalid access to " + what + ", value_size=" + vs + " " + offs(lo, hi, size) + " size=" + size);
            return false;
        }
        if (kind.writes() && (m.readOnly() || (m.flags() & BPF_F_RDONLY_PROG) != 0)) {
            rec.error(inst, "write into read-only " + (p.region() == Region.GLOBAL ? m.name() : "map " + m.name()) + " forbidden, value_size=" + vs + " " + offs(lo, hi, size) + " size=" + size);
            return false;
        }
        fact(inst, p, lo, hi, size, true);
        return true;
    }

    private boolean mem(Inst inst, String r, Ptr p, long lo, long hi, int size) {
        Value len = fa.depth == 0 ? fa.module.memLength : null;
        Scalar n = len != null && s.get(len) instanceof Scalar x ? x : Scalar.UNKNOWN;
        boolean proven = lo >= 0 && n.smin() >= 0 && hi <= n.smin();
        if (proven) {
            fact(inst, p, lo, hi, size, true);
            return true;
        }
        if (fa.module.strict()) {
            rec.error(inst, "invalid access to mem, " + offs(lo, hi, size) + " size=" + size + ", length at least " + Math.max(0, n.smin()));
            return false;
        }
        // Trusted: allowed unless it certainly misses.
        if (hi <= 0) {
            rec.error(inst, "invalid access to mem, " + offs(lo, hi, size) + " size=" + size + ": before the start of mem");
            return false;
        }
        if (n.smax() >= 0 && n.smax() < Long.MAX_VALUE && lo + size > n.smax()) {
            rec.error(inst, "invalid access to mem, " + offs(lo, hi, size) + " size=" + size + ": past the end (length at most " + n.smax() + ")");
            return false;
        }
        fact(inst, p, lo, hi, size, false);
        return true;
    }

    private boolean bounded(Inst inst, Ptr p, long lo, long hi, int size, long limit, String what) {
        if (lo < 0 || hi > limit) {
            rec.error(inst, what + " " + offs(lo, hi, size) + " size=" + size);
            return false;
        }
        fact(inst, p, lo, hi, size, true);
        return true;
    }
}

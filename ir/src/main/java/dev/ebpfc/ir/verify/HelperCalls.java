package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction.CallHelper;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.verify.AbsValue.FuncRef;
import dev.ebpfc.ir.verify.AbsValue.Ptr;
import dev.ebpfc.ir.verify.AbsValue.Region;
import dev.ebpfc.ir.verify.HelperPrototypes.Arg;
import dev.ebpfc.ir.verify.HelperPrototypes.Prototype;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.List;

/// A helper call checked against its prototype ([HelperPrototypes]): each argument register
/// holds what the prototype asks for (the context, a map handle of an accepted type, initialised
/// key and value memory of the map's sizes, memory of a bounded size, a null-checked ring-buffer
/// record, a callback), and r0 gets the prototype's result: a map lookup's possibly-NULL pointer
/// into the map's values, a bounded integer, or any integer. `bpf_loop`'s callback is analysed
/// as a call that may run any number of times.
final class HelperCalls {
    /// The largest size a helper memory argument may have (Linux rejects larger as unbounded).
    private static final long MAX_SIZE = 1L << 29;

    private final FunctionAnalysis fa;
    private final Transfer t;
    private final Recorder rec;

    HelperCalls(FunctionAnalysis fa, Transfer t, Recorder rec) {
        this.fa = fa;
        this.t = t;
        this.rec = rec;
    }

    private State s() {
        return t.s;
    }

    private String reg(Inst inst, Value v) {
        return fa.module.names.reg(inst, v);
    }

    AbsValue call(Inst inst, CallHelper c) {
        HelperProfile profile = fa.module.options.helpers();
        Prototype p = HelperPrototypes.of(profile, c.helper());
        if (p == null) {
            if (fa.module.strict()) rec.error(inst, "invalid func unknown#" + c.helper());
            t.havocArgs(c.args());
            return Scalar.UNKNOWN;
        }
        if (profile != HelperProfile.LINUX) {
            // The conformance helpers take integers and pointers into mem and may write there.
            t.havocArgs(c.args());
            return Scalar.UNKNOWN;
        }
        MapDef map = check(inst, c, p);
        if (p.changesPacket()) {
            Packet.invalidate(s());
            t.packetChanged = true;
        }
        return switch (p.ret()) {
            case INTEGER -> Scalar.UNKNOWN;
            case U32 -> Scalar.U32;
            case MAP_VALUE_OR_NULL -> {
                if (map == null) yield Scalar.UNKNOWN;
                int index = ((Ptr) s().get(c.args().getFirst())).id();
                Region r = map.globalData() ? Region.GLOBAL : Region.MAP_VALUE;
                boolean maybeNull = !presentKey(map, c.args().size() > 1 ? s().get(c.args().get(1)) : null);
                yield new Ptr(r, index, Scalar.constant(0), null, 0, 0, maybeNull, maybeNull ? inst.result() : null);
            }
            case RINGBUF_RECORD_OR_NULL -> {
                AbsValue size = c.args().size() > 1 ? s().get(c.args().get(1)) : null;
                if (!(size instanceof Scalar sz) || !sz.isConstant()) yield Scalar.UNKNOWN;
                yield new Ptr(Region.RINGBUF_RECORD, (int) sz.umin(), Scalar.constant(0), null, 0, 0, true, inst.result());
            }
        };
    }

    /// Whether a lookup in `map` with the key `key` points to certainly finds an element: an
    /// array map (every index below `max_entries` always exists) and a 4-byte key on the stack
    /// whose value is proven below `max_entries`. Linux does the same since 6.14 for a key it
    /// tracks as a constant ("elide map lookup nullness": `can_elide_value_nullness` and
    /// `get_constant_map_key` in kernel/bpf/verifier.c); ebpfc also takes a narrow spill of a
    /// constant and a bounded key, which are as safe (the runtime's array lookup returns NULL only
    /// for an index at or past `max_entries`). A NULL check after such a lookup is one `bce`
    /// removes.
    private boolean presentKey(MapDef map, AbsValue key) {
        if (map.type() != MapType.ARRAY && map.type() != MapType.PERCPU_ARRAY || map.keySize() != 4) return false;
        if (!(key instanceof Ptr p) || p.region() != Region.STACK || !p.off().isConstant()) return false;
        int at = (int) p.off().umin();
        if (at < -StackFrame.SIZE || at + 4 > 0) return false;
        StackFrame f = s().frames[p.id()];
        StackFrame.Spill narrow = f.spillAt(at, 4), whole = (at & 7) == 0 ? f.spillAt(at, 8) : null;
        long umax;
        if (narrow != null && narrow.value() instanceof Scalar v) {
            umax = v.umax();
        } else if (whole != null && whole.value() instanceof Scalar v) {
            umax = v.truncate(32).umax();
        } else {
            Long k = f.constantBytes(at, 4);
            if (k == null) return false;
            umax = k;
        }
        return Long.compareUnsigned(umax, map.maxEntries()) < 0;
    }

    /// Checks each argument of `c` against `p`; returns the map passed as the map argument, if
    /// valid (a lookup's result points into its values).
    MapDef check(Inst inst, CallHelper c, Prototype p) {
        List<Value> args = c.args();
        MapDef map = null;
        String fn = "bpf_" + p.name();
        for (int i = 0; i < args.size() && i < p.args().size(); i++) {
            Value v = args.get(i);
            AbsValue a = s().get(v);
            String r = reg(inst, v);
            switch (p.args().get(i)) {
                case ANYTHING -> {
                }
                case CTX -> {
                    if (!(a instanceof Ptr q && q.region() == Region.CTX && q.off().isConstant() && q.off().umin() == 0)) {
                        rec.error(inst, r + " type=" + describe(a) + " expected=ctx (" + fn + " takes the program's context)");
                    }
                }
                case MAP_PTR -> {
                    if (!(a instanceof Ptr q && q.region() == Region.MAP)) {
                        rec.error(inst, r + " type=" + describe(a) + " expected=map_ptr");
                    } else {
                        MapDef d = fa.module.map(q.id());
                        if (!HelperPrototypes.acceptsMap(p, d.type())) {
                            rec.error(inst, "cannot pass map_type " + d.type().id + " (" + d.type().name().toLowerCase() + " " + d.name() + ") into func " + fn + "#" + c.helper());
                        } else {
                            map = d;
                        }
                    }
                }
                case MAP_KEY -> {
                    if (map != null) memory(inst, v, a, map.keySize(), map.keySize(), MemoryAccess.Kind.HELPER_READ, "key");
                }
                case MAP_VALUE -> {
                    if (map != null) memory(inst, v, a, map.valueSize(), map.valueSize(), MemoryAccess.Kind.HELPER_READ, "value");
                }
                case MEM_READ, MEM_READ_OR_NULL, MEM_WRITE, MEM_READ_WRITE -> {
                    Arg kind = p.args().get(i);
                    if (kind == Arg.MEM_READ_OR_NULL && a instanceof Scalar z && AbsValue.isZero(z)) break;
                    long[] size = i + 1 < args.size() ? size(inst, args.get(i + 1), p.args().get(i + 1)) : null;
                    if (size == null) break;
                    MemoryAccess.Kind k = switch (kind) {
                        case MEM_WRITE -> MemoryAccess.Kind.HELPER_WRITE;
                        case MEM_READ_WRITE -> MemoryAccess.Kind.HELPER_READ_WRITE;
                        default -> MemoryAccess.Kind.HELPER_READ;
                    };
                    memory(inst, v, a, size[0], size[1], k, "memory");
                }
                case SIZE, SIZE_OR_ZERO, CONST_SIZE -> {
                    // Checked with the memory argument before it; a lone size must be constant.
                    if (p.args().get(i) == Arg.CONST_SIZE && !(a instanceof Scalar z && z.isConstant())) {
                        rec.error(inst, r + " is not a known constant (" + fn + " needs a constant size)");
                    }
                }
                case RINGBUF_RECORD -> {
                    if (!(a instanceof Ptr q && q.region() == Region.RINGBUF_RECORD && !q.maybeNull() && q.off().isConstant() && q.off().umin() == 0)) {
                        rec.error(inst, r + " type=" + describe(a) + " expected=ringbuf_mem (the unmodified, null-checked result of bpf_ringbuf_reserve)");
                    }
                }
                case CALLBACK -> {
                    if (!(a instanceof FuncRef f)) {
                        rec.error(inst, r + " type=" + describe(a) + " expected=func (a callback, lddw of a function)");
                    } else {
                        callback(inst, f.function(), args);
                    }
                }
                case ZERO -> {
                    if (!(a instanceof Scalar z && AbsValue.isZero(z))) rec.error(inst, r + " must be 0 (reserved flags of " + fn + "), is " + describe(a));
                }
            }
        }
        return map;
    }

    /// The bounds `[lo, hi]` of a size argument, or null after an error.
    private long[] size(Inst inst, Value v, Arg kind) {
        AbsValue a = s().get(v);
        String r = reg(inst, v);
        if (!(a instanceof Scalar z)) {
            rec.error(inst, r + " type=" + describe(a) + " expected=scalar (a size)");
            return null;
        }
        if (z.smin() < 0) {
            rec.error(inst, r + " min value is negative, either use unsigned or 'var &= const'");
            return null;
        }
        if (z.umax() > MAX_SIZE) {
            rec.error(inst, r + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
            return null;
        }
        if (kind == Arg.SIZE && z.umin() == 0) {
            rec.error(inst, r + " invalid zero-sized read: the size may be 0");
            return null;
        }
        return new long[]{z.umin(), z.umax()};
    }

    private void memory(Inst inst, Value v, AbsValue a, long lo, long hi, MemoryAccess.Kind kind, String what) {
        if (!(a instanceof Ptr)) {
            rec.error(inst, reg(inst, v) + " type=" + describe(a) + " expected=fp, pkt, map_value (" + what + " pointer)");
            return;
        }
        new MemoryAccess(fa, s(), rec).helperMemory(inst, v, lo, hi, kind);
    }

    /// `bpf_loop(n, callback, ctx, 0)`: the callback runs any number of times with (index, ctx),
    /// so the state after it is the fixpoint of running it from the state before; it must return
    /// 0 or 1.
    private void callback(Inst inst, String function, List<Value> args) {
        AbsValue ctx = args.size() > 2 ? s().get(args.get(2)) : Scalar.UNKNOWN;
        List<AbsValue> given = List.of(Scalar.U32, ctx);
        for (int round = 0; round < 64; round++) {
            State before = s().copy();
            AbsValue r = t.callLocal(inst, function, null, given);
            if (t.unreachable) {
                t.unreachable = false;
                restore(before);
                return;
            }
            if (!(r instanceof Scalar x) || Long.compareUnsigned(x.umax(), 1) > 0) {
                rec.error(inst, "at callback return R0 is " + r + ", should have been in [0, 1] (callback " + function + ")");
            }
            State joined = State.join(before, s(), round >= 3 ? fa.thresholds : null);
            restore(joined);
            if (joined.equals(before)) return;
        }
    }

    private void restore(State from) {
        System.arraycopy(from.frames, 0, s().frames, 0, from.frames.length);
        s().dataRange = from.dataRange;
    }

    private static String describe(AbsValue a) {
        return a == null ? "?" : a.kindName();
    }
}

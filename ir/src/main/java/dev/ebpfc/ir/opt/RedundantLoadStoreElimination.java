package dev.ebpfc.ir.opt;

import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.DominatorTree;
import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// Redundant load and dead store elimination over memory locations `base + offset` of a size:
/// - a load of a location whose value is available — stored, or loaded before, in the same block
///   or a dominating one with no write that may alias it on any path in between — becomes that
///   value (with at most one conversion: `trunc`, `zext32`, `zext8/16`, `sext*`, `and`);
/// - a store overwritten in the same block by a store covering it, with no possible read of it in
///   between, is removed; so is a store to a slot of the function's own frame that nothing in the
///   function can read.
///
/// ## Aliasing
/// An address is split into a base value and a constant offset (through `add`/`sub` of
/// constants). Accesses with the same base alias exactly when their byte ranges overlap; every
/// `frame_pointer` is one base. Otherwise the base's region decides: like the safety verifier,
/// the pass trusts pointer provenance (a `ptr.packet` is only used to access the packet, …), so
/// different known regions (context, packet, map value, global data, stack) never alias, and a
/// pointer of unknown region (`ptr`, `i64`) may alias anything.
///
/// The function's own frame is *exact* when every use of the frame pointer (and of constant
/// offsets from it) is the address of a load, store or atomic, or a helper's argument: then only
/// those accesses reach it, and of the calls only helpers given a pointer into it (a map key, a
/// buffer), which may read all of it and, unless known to only read through their arguments
/// (`map_lookup_elem`, `map_update_elem`, …), write it; a local callee has its own frame and no
/// way to it. When the frame address escapes — passed to a local call, stored, compared, offset
/// by a variable, merged at a block parameter — stack accesses through other bases and every call
/// may read and write it. Helpers, local calls, kfuncs and `callx` may read and write
/// every other region (map values, packet and context included: `xdp_adjust_head` moves the
/// packet), so they end every other available value and every pending store.
///
/// A store is only removed before an instruction that may trap when it targets the own frame:
/// the frame is not part of a run's result, but the context, packet and maps are, and a trap in
/// between would expose the first store.
public final class RedundantLoadStoreElimination implements Pass {
    @Override
    public String name() {
        return "load-store-elim";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) {
            Memory mem = new Memory(f, context.helpers());
            context.count("load-store-elim.loads", forwardLoads(f, mem));
            context.count("load-store-elim.stores", deadStores(f, mem));
        }
    }

    // ---- locations and aliasing ----------------------------------------------------------------

    /// Where a base points, as far as aliasing goes.
    enum Region { OWN_FRAME, STACK, CONTEXT, PACKET, MAP_VALUE, GLOBAL, UNKNOWN }

    /// `size` bytes at `base + offset`; `base` is null for the own frame pointer.
    record Loc(Value base, long offset, int size, Region region) {
        boolean sameBase(Loc o) {
            return region == Region.OWN_FRAME ? o.region == Region.OWN_FRAME : base == o.base;
        }

        boolean overlaps(Loc o) {
            return offset < o.offset + o.size && o.offset < offset + size;
        }

        boolean covers(Loc o) {
            return offset <= o.offset && o.offset + o.size <= offset + size;
        }

        boolean same(Loc o) {
            return sameBase(o) && offset == o.offset && size == o.size;
        }
    }

    /// The aliasing facts of one function.
    static final class Memory {
        /// Frame-pointer-derived values (the frame pointer and constant offsets from it).
        private final Set<Value> frameDerived = Collections.newSetFromMap(new IdentityHashMap<>());
        /// Whether only constant-offset accesses and helper arguments see the frame's address.
        final boolean exactFrame;
        private final HelperProfile helpers;

        Memory(Function f, HelperProfile helpers) {
            this.helpers = helpers;
            exactFrame = frameIsExact(f);
        }

        Loc loc(Value addr, int offset, Size size) {
            long off = offset;
            Value base = addr;
            for (int k = 0; k < 16; k++) {
                Inst d = base.definingInst();
                if (d == null) break;
                if (d.op() instanceof Binary(BinaryOp op, Value a, Value b) && (op == BinaryOp.ADD || op == BinaryOp.SUB)
                        && b.asConst() != null && a.type() != Type.I32) {
                    off += op == BinaryOp.ADD ? b.asConst().value() : -b.asConst().value();
                    base = a;
                } else if (d.op() instanceof Binary(BinaryOp op, Value a, Value b) && op == BinaryOp.ADD && a.asConst() != null
                        && b.type() != Type.I32) {
                    off += a.asConst().value();
                    base = b;
                } else {
                    break;
                }
            }
            boolean fp = base.definingInst() != null && base.definingInst().op() instanceof FramePointer;
            return new Loc(fp ? null : base, off, size.bytes, fp ? Region.OWN_FRAME : region(base.type()));
        }

        boolean mayAlias(Loc a, Loc b) {
            if (a.sameBase(b)) return a.overlaps(b);
            if (a.region == Region.OWN_FRAME || b.region == Region.OWN_FRAME) {
                Region other = a.region == Region.OWN_FRAME ? b.region : a.region;
                return !exactFrame && (other == Region.STACK || other == Region.UNKNOWN);
            }
            if (a.region == Region.UNKNOWN || b.region == Region.UNKNOWN) return true;
            return a.region == b.region;
        }

        /// Whether `call` may read `l`: anything but an exact own frame, which only a helper
        /// given a pointer into it can read.
        boolean callReads(Instruction call, Loc l) {
            if (l.region != Region.OWN_FRAME || !exactFrame) return true;
            return call instanceof CallHelper h && h.args().stream().anyMatch(frameDerived::contains);
        }

        /// Whether `call` may write `l`: as [#callReads], except helpers that only read through
        /// their pointer arguments.
        boolean callWrites(Instruction call, Loc l) {
            if (!callReads(call, l)) return false;
            if (l.region != Region.OWN_FRAME || !exactFrame) return true;
            Helper h = helpers == null ? null : helpers.get(((CallHelper) call).helper());
            return h == null || !READ_ONLY_ARGUMENTS.contains(h.name());
        }

        private static Region region(Type t) {
            return switch (t) {
                case PTR_STACK -> Region.STACK;
                case PTR_CTX -> Region.CONTEXT;
                case PTR_PACKET, PTR_PACKET_END -> Region.PACKET;
                case PTR_MAP_VALUE -> Region.MAP_VALUE;
                case PTR_GLOBAL -> Region.GLOBAL;
                case I32, I64, PTR, PTR_MAP -> Region.UNKNOWN;
            };
        }

        /// Whether every use of the frame pointer, through constant offsets, addresses a memory
        /// access (and is not the value stored) or is a helper's argument. Helpers use such a
        /// pointer only during the call and never keep it; a local callee could store it.
        private boolean frameIsExact(Function f) {
            ArrayDeque<Value> work = new ArrayDeque<>();
            for (Block b : f.blocks()) {
                for (Inst i : b.instructions()) {
                    if (i.op() instanceof FramePointer) work.add(i.result());
                }
            }
            Set<Value> seen = frameDerived;
            while (!work.isEmpty()) {
                Value v = work.pop();
                if (!seen.add(v)) continue;
                for (Inst u : v.users()) {
                    boolean ok = switch (u.op()) {
                        case Load l -> true;
                        case CallHelper _ -> true;
                        case Store s -> s.value() != v;
                        case AtomicRmw a -> a.value() != v;
                        case CmpXchg x -> x.expected() != v && x.replacement() != v;
                        case Binary(BinaryOp op, Value a, Value b) when op == BinaryOp.ADD && (b.asConst() != null || a.asConst() != null) -> {
                            work.add(u.result());
                            yield true;
                        }
                        case Binary(BinaryOp op, Value a, Value b) when op == BinaryOp.SUB && a == v && b.asConst() != null -> {
                            work.add(u.result());
                            yield true;
                        }
                        default -> false;
                    };
                    if (!ok) return false;
                }
            }
            return true;
        }
    }

    /// The location `i` reads or writes, or null.
    private static Loc access(Memory mem, Instruction op) {
        return switch (op) {
            case Load l -> mem.loc(l.addr(), l.offset(), l.size());
            case Store s -> mem.loc(s.addr(), s.offset(), s.size());
            case AtomicRmw a -> mem.loc(a.addr(), a.offset(), a.size());
            case CmpXchg x -> mem.loc(x.addr(), x.offset(), x.size());
            default -> null;
        };
    }

    /// Helpers that read but never write memory through their pointer arguments (they may write
    /// maps, packets and ring buffers, which no frame slot is).
    private static final Set<String> READ_ONLY_ARGUMENTS = Set.of("map_lookup_elem", "map_update_elem", "map_delete_elem",
            "trace_printk", "tail_call", "redirect", "redirect_map", "csum_diff", "perf_event_output", "ringbuf_output",
            "ktime_get_ns", "get_prandom_u32", "get_smp_processor_id", "get_current_pid_tgid");

    private static boolean isCall(Instruction op) {
        return op instanceof CallHelper || op instanceof CallLocal || op instanceof CallKfunc || op instanceof CallIndirect
                || op instanceof TailCall;
    }

    // ---- forwarding ----------------------------------------------------------------------------

    /// A value available at a location: stored there (`load` null) or loaded by `load`.
    record Avail(Loc loc, Value value, Load load) {}

    private static long forwardLoads(Function f, Memory mem) {
        DominatorTree dom = DominatorTree.of(f);
        Map<Block, List<Avail>> out = new IdentityHashMap<>();
        long forwarded = 0;
        for (Block b : dom.preorder()) {
            Block idom = dom.idom(b);
            List<Avail> avail = new ArrayList<>();
            if (idom != null) {
                avail.addAll(out.get(idom));
                if (b.predecessors().size() != 1) killBetween(idom, b, avail, mem);
            }
            for (Inst i : List.copyOf(b.instructions())) {
                Instruction op = i.op();
                Loc l = access(mem, op);
                if (op instanceof Load load) {
                    Value v = find(avail, l, load, i);
                    if (v != null && Rewrites.replace(i, v)) {
                        forwarded++;
                        continue;
                    }
                    avail.add(new Avail(l, i.result(), load));
                } else if (op instanceof Store s) {
                    avail.removeIf(a -> mem.mayAlias(a.loc, l));
                    avail.add(new Avail(l, s.value(), null));
                } else {
                    kill(op, avail, mem);
                }
            }
            out.put(b, avail);
        }
        return forwarded;
    }

    /// Removes what `op` may overwrite from `avail`.
    private static void kill(Instruction op, List<Avail> avail, Memory mem) {
        if (isCall(op)) {
            avail.removeIf(a -> mem.callWrites(op, a.loc));
        } else if (op.writesMemory()) {
            Loc l = access(mem, op);
            if (l == null) avail.clear();
            else avail.removeIf(a -> mem.mayAlias(a.loc, l));
        }
    }

    /// Removes from `avail` what any block on a path from `idom` to `b` (`b` itself included when
    /// it is on a cycle) may overwrite.
    private static void killBetween(Block idom, Block b, List<Avail> avail, Memory mem) {
        Set<Block> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Block> work = new ArrayDeque<>(b.predecessors());
        while (!work.isEmpty() && !avail.isEmpty()) {
            Block p = work.pop();
            if (p == idom || !seen.add(p)) continue;
            for (Inst i : p.instructions()) kill(i.op(), avail, mem);
            work.addAll(p.predecessors());
        }
    }

    /// The value `load` (the instruction `at`) reads from what `avail` holds, or null; places at
    /// most one conversion before `at`.
    private static Value find(List<Avail> avail, Loc l, Load load, Inst at) {
        for (int k = avail.size() - 1; k >= 0; k--) {
            Avail a = avail.get(k);
            if (!a.loc.same(l)) continue;
            if (a.load != null) {
                Load p = a.load;
                return p.type() == load.type() && p.signed() == load.signed() ? a.value : null;
            }
            return converted(a.value, load, at);
        }
        return null;
    }

    /// `v` (stored with the load's size) as `load` would read it back, or null.
    private static Value converted(Value v, Load load, Inst at) {
        Type t = load.type(), vt = v.type();
        // A pointer read back as an i64 is used as is where its uses allow (Rewrites.replace decides).
        if (load.size() == Size.DW) return vt.isAssignableTo(t) ? v : null;
        if (t.isPointer()) return null;
        int bits = 8 * load.size().bytes;
        if (load.signed()) {
            if (bits == 32) {
                if (t == Type.I32) return vt == Type.I32 ? v : vt == Type.I64 ? Rewrites.before(at, new Trunc(v)) : null;
                return vt == Type.I32 ? Rewrites.before(at, new Extend(true, 32, Type.I64, v)) : null;
            }
            return vt == t ? Rewrites.before(at, new Extend(true, bits, t, v)) : null;
        }
        if (bits == 32) {
            if (t == Type.I32) return vt == Type.I32 ? v : vt == Type.I64 ? Rewrites.before(at, new Trunc(v)) : null;
            if (vt == Type.I32) return Rewrites.before(at, new Extend(false, 32, Type.I64, v));
            if (vt != Type.I64) return null;
            if (ZeroExtension.upperHalfKnownZero(v)) return v;
            return Rewrites.before(at, new Binary(BinaryOp.AND, v, Rewrites.constant(at, Type.I64, 0xffff_ffffL)));
        }
        if (vt != t) return null;
        if ((ZeroExtension.knownZeroBits(v) | ZeroExtension.low(bits)) == -1L) return v;
        return Rewrites.before(at, new Extend(false, bits, t, v));
    }

    // ---- dead stores ---------------------------------------------------------------------------

    private static long deadStores(Function f, Memory mem) {
        long removed = 0;
        // Own-frame slots nothing reads (an exact frame is read only by loads and atomics on it).
        List<Loc> read = new ArrayList<>();
        boolean frameRead = !mem.exactFrame;
        if (mem.exactFrame) {
            for (Block b : f.blocks()) {
                for (Inst i : b.instructions()) {
                    Loc l = access(mem, i.op());
                    if (l != null && l.region == Region.OWN_FRAME && !(i.op() instanceof Store)) read.add(l);
                    // A helper given a pointer into the frame may read any of it.
                    if (i.op() instanceof CallHelper && mem.callReads(i.op(), new Loc(null, 0, 1, Region.OWN_FRAME))) frameRead = true;
                }
            }
        }
        for (Block b : f.blocks()) {
            List<Loc> pending = new ArrayList<>();
            List<Inst> insts = List.copyOf(b.instructions());
            for (int k = insts.size() - 1; k >= 0; k--) {
                Inst i = insts.get(k);
                if (i.block() == null) continue;
                Instruction op = i.op();
                Loc l = access(mem, op);
                if (op instanceof Store) {
                    boolean unread = !frameRead && l.region == Region.OWN_FRAME && read.stream().noneMatch(r -> mem.mayAlias(r, l));
                    boolean overwritten = pending.stream().anyMatch(p -> p.sameBase(l) && p.covers(l)
                            && (l.region == Region.OWN_FRAME || p.same(l)));
                    if (unread || overwritten) {
                        Rewrites.erase(i);
                        removed++;
                        continue;
                    }
                    // The store may trap: earlier stores to observable memory must stay.
                    pending.removeIf(p -> p.region != Region.OWN_FRAME);
                    pending.add(l);
                    continue;
                }
                if (isCall(op)) pending.removeIf(p -> mem.callReads(op, p));
                if (l != null) pending.removeIf(p -> mem.mayAlias(p, l));
                if (op.mayTrap() || op.isTerminator()) pending.removeIf(p -> p.region != Region.OWN_FRAME);
            }
        }
        return removed;
    }
}

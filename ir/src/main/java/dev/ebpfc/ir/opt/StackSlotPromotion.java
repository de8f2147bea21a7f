package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.Cfg;
import dev.ebpfc.ir.analysis.DominatorTree;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/// Stack-slot promotion (`mem2reg`): the 8-byte words of a function's stack frame that are only
/// loaded and stored at constant offsets from `frame_pointer` become SSA values, with block
/// parameters where paths with different contents meet. Spills and `-O0`-style locals turn into
/// plain values, and stores nothing reads disappear.
///
/// **Which words.** The frame is 512 bytes below `frame_pointer`, 64 words aligned to it. The
/// pass follows every address derived from the frame pointer by adding constants. A word is
/// promoted when every access to it is a load or store through such an address, lies within the
/// word, and no address that may reach it escapes. Escapes are judged by where the address goes:
/// - into a helper call: the helper may read or write upwards from it, so every word from there
///   to the top of the frame is kept in memory;
/// - plus an index known to be non-negative (`(x & 15) << 2`): likewise, from the base upwards;
/// - into arithmetic the pass does not follow, a block parameter or a select: the result is
///   followed as an opaque value, harmless when only compared, returned or computed with, but
///   used as an address, stored or passed to a call it ends promotion in the function;
/// - stored to memory or into a local call (which may reach below it): the whole frame stays in
///   memory; an atomic operation on a word keeps that word.
///
/// **Values.** A word all of whose accesses have one size and position holds the value last
/// stored there, as stored; a load extends (or truncates) it like the load would. A word accessed
/// in several shapes holds its 64-bit contents: a narrow store merges into them with masks and a
/// narrow load shifts and extends, so mixed-size spills (`u64` stored, `u32` halves read back)
/// are promoted too. Uninitialised contents are 0: the interpreter zeroes a frame on entry.
///
/// **SSA.** Parameters go on the iterated dominance frontier of the blocks storing to the word,
/// where the word is live (pruned SSA; Cytron et al., TOPLAS 1991); a dominator-tree walk then
/// renames loads to the current contents. New parameters are `i64` (a 32-bit value flowing in
/// is zero-extended, which keeps the bytes any load can see); a reloaded pointer is the pointer
/// again when the typing rules allow it, else an `i64` with its bits (`xor p, 0`).
///
/// Every promoted access is inside the frame, so no trap is lost. The now unused address
/// arithmetic is left for [DeadCodeElimination].
final class StackSlotPromotion implements Pass {
    private static final int FRAME = MemoryLayout.STACK_SIZE;
    private static final int WORDS = FRAME / 8;
    /// Bounds beyond this are not tracked: sums of them could wrap.
    private static final long MAX_BOUND = 1L << 40;

    @Override
    public String name() {
        return "mem2reg";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) {
            Rewrite.removeUnreachableBlocks(f);
            new Promotion(f, context).run();
        }
    }

    /// One access to a candidate word: byte position in the word and size.
    private record Access(int word, int position, int size) {
        int shape() {
            return position * 16 + size;
        }
    }

    private static final class Promotion {
        final Function f;
        final PassContext context;
        /// Addresses `frame_pointer + offset`.
        final Map<Value, Long> exact = new IdentityHashMap<>();
        /// Addresses `frame_pointer + offset + (something non-negative)`: the lower bound.
        final Map<Value, Long> upward = new IdentityHashMap<>();
        final Map<Inst, Access> accesses = new IdentityHashMap<>();
        final boolean[] bad = new boolean[WORDS];
        final boolean[] used = new boolean[WORDS];
        final int[] shape = new int[WORDS];
        final boolean[] mixed = new boolean[WORDS];
        boolean escapesAll;
        long promoted;

        Promotion(Function f, PassContext context) {
            this.f = f;
            this.context = context;
        }

        void run() {
            findAccesses();
            if (escapesAll) return;
            long candidates = candidates();
            if (candidates == 0) return;
            accesses.values().removeIf(a -> (candidates & (1L << a.word())) == 0);
            promote(candidates);
            context.count("mem2reg.words", Long.bitCount(candidates));
            context.count("mem2reg.accesses", promoted);
        }

        long candidates() {
            long c = 0;
            for (int w = 0; w < WORDS; w++) if (used[w] && !bad[w]) c |= 1L << w;
            return c;
        }

        // ---- which words ------------------------------------------------------------------------

        void findAccesses() {
            ArrayDeque<Value> work = new ArrayDeque<>();
            for (Block b : f.blocks()) {
                for (Inst i : b.instructions()) {
                    if (i.op() instanceof FramePointer) {
                        exact.put(i.result(), 0L);
                        work.add(i.result());
                    }
                }
            }
            while (!work.isEmpty() && !escapesAll) {
                Value v = work.poll();
                if (opaque.containsKey(v)) {
                    followOpaque(v, work);
                    continue;
                }
                boolean isExact = exact.containsKey(v);
                long o = isExact ? exact.get(v) : upward.get(v);
                for (Inst u : Rewrite.distinctUsers(v)) {
                    if (u.block() == null) continue;
                    switch (u.op()) {
                        case Load l -> {
                            if (l.type().isPointer()) markBad(o + l.offset(), l.size().bytes);
                            else if (isExact) access(u, o + l.offset(), l.size().bytes);
                            else taintUpwards(o + l.offset());
                        }
                        case Store s -> {
                            if (s.value() == v) escapesAll = true;
                            else if (isExact) access(u, o + s.offset(), s.size().bytes);
                            else taintUpwards(o + s.offset());
                        }
                        case AtomicRmw a -> {
                            if (a.value() == v) escapesAll = true;
                            else if (isExact) markBad(o + a.offset(), a.size().bytes);
                            else taintUpwards(o + a.offset());
                        }
                        case CmpXchg x -> {
                            if (x.expected() == v || x.replacement() == v) escapesAll = true;
                            else if (isExact) markBad(o + x.offset(), x.size().bytes);
                            else taintUpwards(o + x.offset());
                        }
                        case Binary(BinaryOp op, Value a, Value b) -> derive(u, op, a, b, v, isExact, o, work);
                        case CallHelper _ -> taintUpwards(o);
                        case Cmp _, Branch _, Jump _, Return _, PacketLoad _, Unary _, Extend _, Trunc _, ByteSwap _,
                             Select _ -> makeOpaque(u, v, work);
                        case Const _, MapRef _, MapValueAddr _, FramePointer _, FuncAddr _, CallLocal _, CallKfunc _,
                             CallIndirect _, TailCall _, Trap _ -> escapesAll = true;
                    }
                }
            }
        }

        /// Values computed from a stack address in ways the pass does not follow (`p ^ k`, a
        /// parameter receiving it…). Harmless until one is used to reach memory or leaves the
        /// function's view, which ends promotion in the function.
        final Map<Value, Boolean> opaque = new IdentityHashMap<>();

        /// What use `u` of stack-derived `v` makes opaque: its result, or the parameters of the
        /// edges passing `v`. Comparisons, returns (the frame dies with the call) and packet
        /// offsets use the bits without touching the frame.
        void makeOpaque(Inst u, Value v, ArrayDeque<Value> work) {
            if (u.result() != null) {
                mark(u.result(), work);
                return;
            }
            for (BlockCall c : u.op().blockCalls()) {
                for (int k = 0; k < c.args().size(); k++) if (c.args().get(k) == v) mark(c.target().params().get(k), work);
            }
        }

        void mark(Value r, ArrayDeque<Value> work) {
            if (exact.containsKey(r) || upward.containsKey(r) || opaque.containsKey(r)) return;
            opaque.put(r, true);
            work.add(r);
        }

        void followOpaque(Value v, ArrayDeque<Value> work) {
            for (Inst u : Rewrite.distinctUsers(v)) {
                if (u.block() == null) continue;
                switch (u.op()) {
                    case Cmp _, Branch _, Jump _, Return _, PacketLoad _, Unary _, Extend _, Trunc _, ByteSwap _, Select _,
                         Binary _ -> makeOpaque(u, v, work);
                    case Const _, Load _, Store _, AtomicRmw _, CmpXchg _, MapRef _, MapValueAddr _, FramePointer _,
                         FuncAddr _, CallHelper _, CallLocal _, CallKfunc _, CallIndirect _, TailCall _, Trap _ -> escapesAll = true;
                }
            }
        }

        /// An address computed from address `v` (offset or lower bound `o`).
        void derive(Inst u, BinaryOp op, Value a, Value b, Value v, boolean isExact, long o, ArrayDeque<Value> work) {
            Value other = a == v ? b : a;
            Const k = other.asConst();
            Value r = u.result();
            if (exact.containsKey(r) || upward.containsKey(r) || opaque.containsKey(r)) return;
            if (other == v || (op != BinaryOp.ADD && !(op == BinaryOp.SUB && a == v && k != null))) {
                mark(r, work);
                return;
            }
            if (k != null && Math.abs(k.value()) < MAX_BOUND) {
                long d = op == BinaryOp.ADD ? k.value() : -k.value();
                (isExact ? exact : upward).put(r, o + d);
            } else if (bound(other, 0) >= 0) {
                upward.put(r, o);
            } else {
                mark(r, work);
                return;
            }
            work.add(r);
        }

        /// An upper bound of `v` known to be non-negative, or -1.
        static long bound(Value v, int depth) {
            Inst d = v.definingInst();
            if (d == null || depth > 8 || v.type().isPointer()) return -1;
            long r = switch (d.op()) {
                case Const c -> c.value() >= 0 ? c.value() : -1;
                case Extend e -> e.signed() ? -1 : (1L << e.fromBits()) - 1;
                case Load l -> l.signed() || l.size().bytes == 8 ? -1 : (1L << (8 * l.size().bytes)) - 1;
                case PacketLoad p -> (1L << (8 * p.size().bytes)) - 1;
                case Binary(BinaryOp op, Value a, Value b) -> {
                    long x = bound(a, depth + 1), y = bound(b, depth + 1);
                    Const k = b.asConst();
                    yield switch (op) {
                        case AND -> x < 0 ? y : y < 0 ? x : Math.min(x, y);
                        case ADD -> x < 0 || y < 0 ? -1 : x + y;
                        case MUL -> x < 0 || y < 0 || (x > 0 && y > MAX_BOUND / x) ? -1 : x * y;
                        case SHL -> x < 0 || k == null || k.value() < 0 || k.value() > 40 ? -1 : x << k.value();
                        case LSHR -> k != null && (k.value() & 63) > 0 ? -1L >>> (k.value() & 63) : -1;
                        case UREM -> k != null && k.value() > 0 ? k.value() - 1 : -1;
                        case SUB, UDIV, SDIV, SREM, OR, XOR, ASHR -> -1;
                    };
                }
                default -> -1;
            };
            return r >= 0 && r < MAX_BOUND ? r : -1;
        }

        void access(Inst u, long lo, int size) {
            if (lo < -FRAME || lo + size > 0) {
                markBad(lo, size);
                return;
            }
            int w = word(lo), last = word(lo + size - 1);
            if (w != last) {
                bad[w] = bad[last] = true;
                return;
            }
            Access a = new Access(w, (int) (lo - (w * 8L - FRAME)), size);
            if (!used[w]) {
                used[w] = true;
                shape[w] = a.shape();
            } else if (shape[w] != a.shape()) {
                mixed[w] = true;
            }
            accesses.put(u, a);
        }

        void markBad(long lo, int size) {
            for (long x = Math.max(lo, -FRAME); x < Math.min(lo + size, 0); x++) bad[word(x)] = true;
        }

        void taintUpwards(long lo) {
            for (long x = Math.max(lo, -FRAME); x < 0; x += 8) bad[word(x)] = true;
            if (lo < 0) bad[WORDS - 1] = true;
        }

        static int word(long offset) {
            return (int) ((offset + FRAME) >> 3);
        }

        // ---- SSA ----------------------------------------------------------------------------------

        void promote(long candidates) {
            DominatorTree dom = DominatorTree.of(f);
            Cfg cfg = dom.cfg();
            List<Block> rpo = cfg.reversePostorder();
            int n = f.blockIdBound();
            long[] gen = new long[n], kill = new long[n];
            long[] defWords = new long[n];
            for (Block b : rpo) {
                long g = 0, k = 0;
                for (Inst i : b.instructions()) {
                    Access a = accesses.get(i);
                    if (a == null) continue;
                    long bit = 1L << a.word();
                    boolean partialStore = mixed[a.word()] && a.size() < 8;
                    if (i.op() instanceof Load || partialStore) {
                        if ((k & bit) == 0) g |= bit;
                    }
                    if (i.op() instanceof Store) k |= bit;
                }
                gen[b.id()] = g;
                kill[b.id()] = k;
                defWords[b.id()] = k;
            }
            long[] liveIn = new long[n];
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Block b : cfg.postorder()) {
                    long out = 0;
                    for (Block s : cfg.successors(b)) out |= liveIn[s.id()];
                    long in = gen[b.id()] | (out & ~kill[b.id()]);
                    if (in != liveIn[b.id()]) {
                        liveIn[b.id()] = in;
                        changed = true;
                    }
                }
            }
            // Parameters on the iterated dominance frontier of the stores, where the word is live.
            long[] placed = new long[n];
            for (int w = 0; w < WORDS; w++) {
                long bit = 1L << w;
                if ((candidates & bit) == 0) continue;
                ArrayDeque<Block> work = new ArrayDeque<>();
                for (Block b : rpo) if ((defWords[b.id()] & bit) != 0) work.add(b);
                while (!work.isEmpty()) {
                    Block b = work.poll();
                    for (Block d : dom.frontier(b)) {
                        if ((placed[d.id()] & bit) != 0 || (liveIn[d.id()] & bit) == 0) continue;
                        placed[d.id()] |= bit;
                        if ((defWords[d.id()] & bit) == 0) work.add(d);
                    }
                }
            }
            Map<Block, Value[]> params = new IdentityHashMap<>();
            for (Block b : rpo) {
                long p = placed[b.id()];
                if (p == 0) continue;
                Value[] ps = new Value[WORDS];
                for (int w = 0; w < WORDS; w++) if ((p & (1L << w)) != 0) ps[w] = b.addParam(Type.I64);
                params.put(b, ps);
            }
            rename(dom, params);
        }

        Value zero;

        Value zero() {
            if (zero == null) {
                Block e = f.entry();
                Inst c = f.newInst(new Const(Type.I64, 0));
                e.insertBefore(e.instructions().getFirst(), c);
                zero = c.result();
            }
            return zero;
        }

        /// Walks the dominator tree in preorder with the current contents of every word.
        void rename(DominatorTree dom, Map<Block, Value[]> params) {
            List<Block> stack = new ArrayList<>();
            List<Value[]> state = new ArrayList<>();
            stack.add(f.entry());
            state.add(new Value[WORDS]);
            while (!stack.isEmpty()) {
                Block b = stack.removeLast();
                Value[] cur = state.removeLast();
                Value[] ps = params.get(b);
                if (ps != null) for (int w = 0; w < WORDS; w++) if (ps[w] != null) cur[w] = ps[w];
                for (Inst i : List.copyOf(b.instructions())) {
                    Access a = accesses.get(i);
                    if (a != null) {
                        promoted++;
                        if (i.op() instanceof Load l) load(i, l, a, contents(cur, a.word()));
                        else cur[a.word()] = store(i, (Store) i.op(), a, cur);
                    } else if (i.isTerminator()) {
                        passContents(i, cur, params);
                    }
                }
                List<Block> kids = dom.children(b);
                for (int k = kids.size() - 1; k >= 0; k--) {
                    stack.add(kids.get(k));
                    state.add(cur.clone());
                }
            }
        }

        Value contents(Value[] cur, int w) {
            return cur[w] != null ? cur[w] : zero();
        }

        /// Replaces load `i` by the bytes it reads from `word`.
        void load(Inst i, Load l, Access a, Value word) {
            InsertBefore at = new InsertBefore(f, i);
            Value src = word;
            if (mixed[a.word()] && a.position() > 0) src = at.emit(new Binary(BinaryOp.LSHR, word, at.const64(8L * a.position())));
            int bits = 8 * l.size().bytes;
            Instruction conversion;
            if (l.type() == Type.I32) {
                conversion = bits == 32 ? (src.type() == Type.I32 ? null : new Trunc(src)) : new Extend(l.signed(), bits, Type.I32, src);
            } else {
                conversion = bits == 64 ? null : new Extend(l.signed(), bits, Type.I64, src);
            }
            if (conversion != null) {
                i.setOp(conversion);
            } else if (Rewrite.replace(i.result(), src)) {
                i.remove();
            } else {
                // A pointer reloaded where its provenance cannot follow: an i64 with its bits.
                i.setOp(new Binary(BinaryOp.XOR, src, at.const64(0)));
            }
        }

        /// Removes store `i`; returns the word's new contents.
        Value store(Inst i, Store s, Access a, Value[] cur) {
            Value v = s.value();
            Value result = v;
            if (mixed[a.word()] && a.size() < 8) {
                Value word = contents(cur, a.word());
                InsertBefore at = new InsertBefore(f, i);
                int shift = 8 * a.position();
                long mask = (a.size() == 8 ? -1L : (1L << (8 * a.size())) - 1) << shift;
                Value low = at.emit(new Extend(false, 8 * a.size(), Type.I64, v));
                Value placedValue = shift == 0 ? low : at.emit(new Binary(BinaryOp.SHL, low, at.const64(shift)));
                Value kept = at.emit(new Binary(BinaryOp.AND, word, at.const64(~mask)));
                result = at.emit(new Binary(BinaryOp.OR, kept, placedValue));
            }
            i.remove();
            return result;
        }

        /// Adds the contents of the words each successor has parameters for to its edges.
        void passContents(Inst t, Value[] cur, Map<Block, Value[]> params) {
            List<Block> done = new ArrayList<>(2);
            for (BlockCall c : t.op().blockCalls()) {
                Block s = c.target();
                Value[] ps = params.get(s);
                if (ps == null || done.contains(s)) continue;
                done.add(s);
                List<Value> extra = new ArrayList<>();
                for (int w = 0; w < WORDS; w++) {
                    if (ps[w] == null) continue;
                    Value v = contents(cur, w);
                    if (v.type() == Type.I32) v = new InsertBefore(f, t).emit(new Extend(false, 32, Type.I64, v));
                    extra.add(v);
                }
                t.setOp(t.op().mapBlockCalls(x -> {
                    if (x.target() != s) return x;
                    List<Value> args = new ArrayList<>(x.args());
                    args.addAll(extra);
                    return new BlockCall(s, args);
                }));
            }
        }
    }

    /// Inserts instructions before a fixed instruction.
    private record InsertBefore(Function f, Inst before) {
        Value emit(Instruction op) {
            Inst i = f.newInst(op);
            before.block().insertBefore(before, i);
            return i.result();
        }

        Value const64(long v) {
            return emit(new Const(Type.I64, v));
        }
    }
}

package dev.ebpfc.ir.verify;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.Cfg;
import dev.ebpfc.ir.analysis.DominatorTree;
import dev.ebpfc.ir.analysis.Liveness;
import dev.ebpfc.ir.analysis.Loops;
import dev.ebpfc.ir.verify.AbsValue.Ptr;
import dev.ebpfc.ir.verify.AbsValue.Region;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/// Abstract interpretation of one function from one entry state: a worklist over blocks in
/// reverse postorder to a fixpoint (joins at merge points, widening with thresholds at loop
/// headers after a few rounds), one narrowing sweep, then a checking pass over the final states
/// that reports errors and facts, and the loop-termination proof. Block parameters receive the
/// join of the arguments their edges pass; each branch refines both outgoing states.
final class FunctionAnalysis {
    /// Joins at a loop header before widening starts: small loops then converge exactly.
    private static final int WIDEN_AFTER = 3;
    /// A safety net: a block visited this often means the widening failed to converge.
    private static final int MAX_VISITS = 5000;
    /// States kept apart at one block.
    private static final int MAX_STATES = 16;

    final ModuleAnalysis module;
    final Function function;
    final int depth;
    private final State entryState;
    private final Cfg cfg;
    private final List<Block> rpo;
    private final Loops loops;
    private final Liveness liveness;
    private final boolean[] header;
    final Thresholds thresholds;
    /// The states at each block's entry (several only where paths with different packet facts meet).
    private final List<State>[] in;
    private final int[] visits;
    /// Arguments each edge passed in the checking pass, by (source block, target block).
    final Map<Block, Map<Block, List<AbsValue>>> edgeArgs = new HashMap<>();

    FunctionAnalysis(ModuleAnalysis module, Function function, State entry) {
        this.module = module;
        this.function = function;
        this.depth = entry.depth();
        this.entryState = entry;
        this.cfg = Cfg.of(function);
        this.rpo = cfg.reversePostorder();
        this.loops = Loops.of(DominatorTree.of(cfg));
        this.liveness = Liveness.of(cfg);
        this.header = new boolean[function.blockIdBound()];
        for (Loops.Loop l : loops.loops()) header[l.header().id()] = true;
        this.thresholds = Thresholds.of(function);
        @SuppressWarnings("unchecked")
        List<State>[] states = new List[function.blockIdBound()];
        this.in = states;
        this.visits = new int[function.blockIdBound()];
    }

    /// `-Debpfc.verify.trace=true` prints each block's final state (for debugging the verifier).
    static final boolean TRACE = Boolean.getBoolean("ebpfc.verify.trace");

    private void trace(Block b, State s) {
        StringBuilder sb = new StringBuilder("@" + function.name() + " " + b + " dataRange=" + s.dataRange + " pktRange=" + s.pktRange);
        for (Value p : b.params()) sb.append("\n    ").append(p).append(" = ").append(s.get(p));
        System.err.println(sb);
    }

    static void trace(Inst inst, AbsValue v) {
        if (TRACE) System.err.println("    " + inst + "    ; " + v);
    }

    ModuleAnalysis.Summary run() {
        Recorder rec = new Recorder(function, module.options.source());
        if (!loops.isReducible() && module.strict()) {
            rec.error(function.entry().instructions().getFirst(), "irreducible control flow in " + function.name() + " is not supported");
            return new ModuleAnalysis.Summary(Scalar.UNKNOWN, callerFrames(entryState), 0, false, false, rec);
        }
        fixpoint();
        narrow();
        Returns ret = new Returns();
        for (Block b : rpo) {
            if (in[b.id()] == null) continue;
            for (State st : in[b.id()]) {
                if (TRACE) trace(b, st);
                transferBlock(b, st.copy(), rec, ret, true);
            }
        }
        if (module.strict()) new LoopTermination(this, loops, rec).prove();
        if (ret.state == null) return new ModuleAnalysis.Summary(Scalar.UNKNOWN, callerFrames(entryState), 0, ret.packetChanged, false, rec);
        return new ModuleAnalysis.Summary(ret.value, callerFrames(ret.state), ret.state.dataRange, ret.packetChanged, true, rec);
    }

    private StackFrame[] callerFrames(State s) {
        StackFrame[] f = new StackFrame[depth];
        for (int i = 0; i < depth; i++) f[i] = s.frames[i].copy();
        return f;
    }

    /// Adds `st` to the states of `t`: at a loop header joined (and widened) into its one state;
    /// elsewhere into the state with the same packet facts, or as a further state while there are
    /// fewer than [#MAX_STATES] — a bounded disjunction, so that a pointer offset and the range
    /// proven for it on one path are not separated from those of another path (the kernel keeps
    /// every path apart). Returns whether anything changed.
    private boolean merge(List<State>[] states, Block t, State st, boolean widen) {
        pruneDeadSymbols(t, st);
        List<State> list = states[t.id()];
        if (list == null) {
            list = new ArrayList<>(2);
            list.add(st);
            states[t.id()] = list;
            return true;
        }
        int target = 0;
        if (!header[t.id()]) {
            target = -1;
            for (int i = 0; i < list.size(); i++) {
                State o = list.get(i);
                if (o.pktRange.equals(st.pktRange)) target = i;
            }
            if (target < 0) {
                if (list.size() < MAX_STATES) {
                    list.add(st);
                    return true;
                }
                target = list.size() - 1;
            }
        }
        State old = list.get(target);
        State nw = State.join(old, st, widen && header[t.id()] && visits[t.id()] >= WIDEN_AFTER ? thresholds : null);
        if (nw.equals(old)) return false;
        list.set(target, nw);
        return true;
    }

    /// Drops the packet facts of symbols dead at `t` (unless a spilled pointer may still name
    /// them): they can no longer matter, and would keep apart states that are the same.
    private void pruneDeadSymbols(Block t, State st) {
        if (st.pktRange.isEmpty()) return;
        for (StackFrame f : st.frames) if (f.hasNamedPacketSpill()) return;
        java.util.Set<Value> named = new java.util.HashSet<>();
        for (Value v : liveness.liveIn(t)) if (st.get(v) instanceof Ptr p && p.sym() != null) named.add(p.sym());
        for (Value v : t.params()) if (st.get(v) instanceof Ptr p && p.sym() != null) named.add(p.sym());
        Map<Value, Long> kept = null;
        for (Value k : st.pktRange.keySet()) {
            if (named.contains(k) || t.params().contains(k) || liveness.isLiveIn(t, k)) continue;
            if (kept == null) kept = new HashMap<>(st.pktRange);
            kept.remove(k);
        }
        if (kept != null) st.pktRange = kept;
    }

    @SuppressWarnings("unchecked")
    private void fixpoint() {
        TreeSet<Integer> work = new TreeSet<>();
        Block entry = function.entry();
        in[entry.id()] = new ArrayList<>(List.of(entryState));
        work.add(cfg.rpoNumber(entry));
        while (!work.isEmpty()) {
            Block b = rpo.get(work.pollFirst());
            if (++visits[b.id()] > MAX_VISITS) throw new IllegalStateException("no fixpoint for " + b + " of @" + function.name());
            for (State st : List.copyOf(in[b.id()])) {
                for (Map.Entry<Block, State> e : transferBlock(b, st.copy(), Recorder.NONE, null, false).entrySet()) {
                    if (merge(in, e.getKey(), e.getValue(), true)) work.add(cfg.rpoNumber(e.getKey()));
                }
            }
        }
    }

    /// One descending sweep: each block's states recomputed from its predecessors' outputs without
    /// widening, which recovers bounds widening overshot (the exit value of a counted loop).
    @SuppressWarnings("unchecked")
    private void narrow() {
        List<State>[] next = new List[in.length];
        for (Block b : rpo) {
            // Headers keep their fixpoint state (their back edges come later in this order); every
            // other block's predecessors all come before it in a reducible CFG.
            boolean keep = b == function.entry() || header[b.id()];
            List<State> states = keep ? in[b.id()] : next[b.id()];
            if (states == null) continue;
            if (!keep) in[b.id()] = states;
            for (State st : states) {
                for (Map.Entry<Block, State> e : transferBlock(b, st.copy(), Recorder.NONE, null, false).entrySet()) {
                    merge(next, e.getKey(), e.getValue(), false);
                }
            }
        }
    }

    /// The join of the returns of the checking pass.
    static final class Returns {
        State state;
        AbsValue value;
        boolean packetChanged;
    }

    /// Runs block `b` on `s`; returns the state entering each successor (parameters assigned).
    Map<Block, State> transferBlock(Block b, State s, Recorder rec, Returns ret, boolean check) {
        module.blockVisits++;
        Transfer t = new Transfer(this, s, rec);
        Map<Block, State> out = new HashMap<>(4);
        for (Inst inst : b.instructions()) {
            module.instructions++;
            if (!inst.isTerminator()) {
                t.instruction(inst);
                if (t.unreachable) return out;
                continue;
            }
            switch (inst.op()) {
                case Instruction.Jump j -> edge(b, j.target(), s, out, check);
                case Instruction.Branch br -> {
                    State[] both = new BranchRefiner(this, rec).refine(inst, br, s);
                    if (check) {
                        boolean te = both[0] != null, fe = both[1] != null;
                        if (te && fe) {
                            Boolean decided = BranchRefiner.packetOutcome(br, s);
                            if (decided != null) {
                                te = decided;
                                fe = !decided;
                            }
                        }
                        rec.branch(inst, te, fe);
                    }
                    if (both[0] != null) edge(b, br.ifTrue(), both[0], out, check);
                    if (both[1] != null) edge(b, br.ifFalse(), both[1], out, check);
                }
                case Instruction.Return r -> {
                    AbsValue v = t.returned(inst, r.value());
                    if (ret != null) {
                        ret.value = AbsValue.join(ret.value, v);
                        ret.state = State.join(ret.state, s, null);
                    }
                }
                case Instruction.TailCall tc -> {
                    t.tailCall(inst, tc);
                    edge(b, tc.fallthrough(), s, out, check);
                }
                case Instruction.Trap _ -> {
                }
                default -> throw new IllegalStateException("not a terminator: " + inst);
            }
            if (ret != null && t.packetChanged) ret.packetChanged = true;
        }
        return out;
    }

    /// Passes `s` along `call`: the target's parameters get the arguments (packet pointers become
    /// the parameter's own symbol), joined into what other edges already passed.
    private void edge(Block from, BlockCall call, State s, Map<Block, State> out, boolean check) {
        Block target = call.target();
        State st = s.copy();
        List<Value> params = target.params();
        AbsValue[] args = new AbsValue[params.size()];
        for (int i = 0; i < args.length; i++) args[i] = s.get(call.args().get(i));
        if (check) edgeArgs.computeIfAbsent(from, k -> new HashMap<>()).put(target, java.util.Arrays.asList(args));
        for (Value p : params) Packet.forget(st, p);
        for (int i = 0; i < args.length; i++) {
            Value p = params.get(i);
            AbsValue a = args[i];
            if (a instanceof Ptr q && q.region() == Region.PACKET) a = Packet.rebase(s, st, q, p);
            else if (a instanceof Scalar) Packet.intoParam(s, st, p, call.args().get(i));
            st.set(p, a);
        }
        if (TRACE) System.err.println("    edge " + from + " -> " + target + " pktRange=" + st.pktRange + " dataRange=" + st.dataRange);
        State prev = out.get(target);
        out.put(target, prev == null ? st : State.join(prev, st, null));
    }

    /// The join of `b`'s states, or null when it is unreachable.
    State stateAt(Block b) {
        List<State> l = in[b.id()];
        if (l == null) return null;
        State j = null;
        for (State st : l) j = State.join(j, st, null);
        return j;
    }

    Cfg cfg() {
        return cfg;
    }
}

package dev.ebpfc.ir.opt;

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
import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.memory.MemoryLayout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/// Inlines BPF-to-BPF calls (`call @f`): a callee of at most [#SMALL] instructions, or one called
/// from a single place (at most [#SINGLE_SITE]), is copied into the caller, while the caller stays
/// under [#CALLER_BUDGET] instructions. Callees no longer called or addressed are removed.
///
/// ## What keeps the semantics
/// A call runs the callee in a fresh 512-byte frame one call depth deeper
/// (`frame_pointer` = `MemoryLayout.frameTop(depth + 1)`, zeroed on entry, gone on return), and
/// that address is observable: it can be stored, compared, returned. Copying the callee into the
/// caller removes that frame, so only callees that never use their own frame are inlined: no
/// `frame_pointer` at all. Run after slot promotion, this means "callees whose stack slots all
/// became SSA values and whose frame address never escaped". Materialising the callee's frame
/// address as a constant instead would not do: the frame is mapped only while the call runs, so
/// its accesses must go away, not move.
///
/// Removing a frame also shifts the depth of anything the callee calls, which `frame_pointer`
/// values in those callees would show, so only leaves are inlined: no local call, `callx`, tail
/// call, helper call that may tail call (any helper, when the helper numbering is unknown) or
/// that calls back into the program (`bpf_loop`). Functions only reached through their address
/// (callbacks) have no known depth, so nothing is inlined into them. And
/// at -O0 the call itself fails with CALL_DEPTH when the caller already runs at the deepest
/// frame, so a call is inlined only when the call graph shows its caller never runs deeper than
/// `MAX_FRAMES - 2` (depths counted from the program's entry at 0; recursion or `callx` to an
/// addressed function makes the depth unknown).
public final class Inliner implements Pass {
    /// A callee this small is inlined at every call site.
    static final int SMALL = 32;
    /// A callee with one call site is inlined up to this size.
    static final int SINGLE_SITE = 600;
    /// Inlining stops growing a caller beyond this size.
    static final int CALLER_BUDGET = 4000;

    @Override
    public String name() {
        return "inline";
    }

    @Override
    public void run(Module module, PassContext context) {
        Map<Function, Integer> depth = maxDepths(module);
        // Callees before callers (a callee runs deeper than its callers), so a function that
        // becomes a leaf by inlining is itself inlined further up.
        List<Function> order = new ArrayList<>(module.functions());
        order.sort(Comparator.comparingInt((Function f) -> depth.getOrDefault(f, -1)).reversed());
        for (Function caller : order) {
            Integer d = depth.get(caller);
            if (d == null || d + 1 >= MemoryLayout.MAX_FRAMES) continue;
            for (Block b : List.copyOf(caller.blocks())) {
                for (Inst i : List.copyOf(b.instructions())) {
                    if (i.block() == null || !(i.op() instanceof CallLocal call)) continue;
                    Function callee = module.function(call.function());
                    if (callee == null || callee == caller || !isInlinableLeaf(callee, context.helpers())) continue;
                    int size = size(callee);
                    boolean ok = size <= SMALL || size <= SINGLE_SITE && callSites(module, callee) == 1;
                    if (!ok || size(caller) + size > CALLER_BUDGET) continue;
                    inline(caller, i, callee);
                    context.count("inline.calls", 1);
                }
            }
        }
        removeUnreferenced(module, context);
    }

    /// Whether `f` uses no frame of its own and makes no call that would run at another depth.
    static boolean isInlinableLeaf(Function f, HelperProfile helpers) {
        for (Block b : f.blocks()) {
            for (Inst i : b.instructions()) {
                switch (i.op()) {
                    // An unused frame_pointer (the lifter's r10 at entry) is no use of the frame.
                    case FramePointer _ -> {
                        if (i.result().hasUses()) return false;
                    }
                    case CallLocal _, CallIndirect _, TailCall _ -> {
                        return false;
                    }
                    case CallHelper h -> {
                        Helper known = helpers == null ? null : helpers.get(h.helper());
                        // bpf_loop runs its callback one frame deeper than the caller, as a local call.
                        if (helpers == null || known == null || known instanceof dev.ebpfc.runtime.helpers.TailCall
                                || known instanceof dev.ebpfc.runtime.helpers.Loop) return false;
                    }
                    default -> { }
                }
            }
        }
        return true;
    }

    /// The deepest call depth each function may run at (the entry at 0), at most `MAX_FRAMES`
    /// (recursion reaches that), or absent when no call from the entry reaches it.
    static Map<Function, Integer> maxDepths(Module m) {
        Map<Function, List<Function>> callees = new IdentityHashMap<>();
        List<Function> addressed = new ArrayList<>();
        boolean indirect = false;
        for (Function f : m.functions()) {
            List<Function> out = new ArrayList<>();
            for (Block b : f.blocks()) {
                for (Inst i : b.instructions()) {
                    if (i.op() instanceof CallLocal c && m.function(c.function()) != null) out.add(m.function(c.function()));
                    if (i.op() instanceof FuncAddr a && m.function(a.function()) != null) addressed.add(m.function(a.function()));
                    if (i.op() instanceof CallIndirect) indirect = true;
                }
            }
            callees.put(f, out);
        }
        if (indirect) {
            for (Function f : m.functions()) {
                if (hasIndirectCall(f)) callees.get(f).addAll(addressed);
            }
        }
        // Longest path from the entry, capped at MAX_FRAMES so that cycles (recursion) end at the
        // cap, which no caller to inline into may reach.
        Map<Function, Integer> depth = new IdentityHashMap<>();
        if (m.entry() == null) return depth;
        depth.put(m.entry(), 0);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Function f : m.functions()) {
                Integer d = depth.get(f);
                if (d == null) continue;
                for (Function g : callees.get(f)) {
                    int dg = Math.min(d + 1, MemoryLayout.MAX_FRAMES);
                    Integer old = depth.get(g);
                    if (old == null || old < dg) {
                        depth.put(g, dg);
                        changed = true;
                    }
                }
            }
        }
        return depth;
    }

    private static boolean hasIndirectCall(Function f) {
        for (Block b : f.blocks()) {
            for (Inst i : b.instructions()) {
                if (i.op() instanceof CallIndirect) return true;
            }
        }
        return false;
    }

    static int size(Function f) {
        int n = 0;
        for (Block b : f.blocks()) n += b.instructions().size();
        return n;
    }

    private static int callSites(Module m, Function callee) {
        int n = 0;
        for (Function f : m.functions()) {
            for (Block b : f.blocks()) {
                for (Inst i : b.instructions()) {
                    if (i.op() instanceof CallLocal c && c.function().equals(callee.name())) n++;
                    if (i.op() instanceof FuncAddr a && a.function().equals(callee.name())) n += 2;
                }
            }
        }
        return n;
    }

    /// Replaces `call` in `caller` by a copy of `callee`'s body: the call's block is split after
    /// the call, the copy's returns jump to the second half passing the return value.
    static void inline(Function caller, Inst call, Function callee) {
        Block head = call.block();
        List<Value> args = call.op().operands();
        // The second half: what followed the call, receiving the result as a parameter.
        Block tail = caller.createBlock();
        Value result = tail.addParam(Type.I64);
        List<Inst> after = head.instructions().subList(head.indexOf(call) + 1, head.instructions().size());
        for (Inst i : List.copyOf(after)) {
            i.remove();
            tail.append(i);
        }
        // Copies of the callee's blocks, parameters first so edges and uses can be mapped.
        Cfg cfg = Cfg.of(callee);
        Map<Block, Block> blocks = new IdentityHashMap<>();
        Map<Value, Value> values = new IdentityHashMap<>();
        Block anchor = head;
        for (Block cb : cfg.reversePostorder()) {
            Block nb = caller.createBlock();
            caller.moveAfter(nb, anchor);
            anchor = nb;
            blocks.put(cb, nb);
            if (cb == callee.entry()) continue;
            for (Value p : cb.params()) values.put(p, nb.addParam(p.type()));
        }
        caller.moveAfter(tail, anchor);
        Block entryCopy = blocks.get(callee.entry());
        List<Value> params = callee.params();
        for (int k = 0; k < params.size(); k++) {
            Value a = args.get(k);
            // A pointer passed for an i64 parameter is used as the integer the callee saw.
            if (params.get(k).type() == Type.I64 && a.type().isPointer()) a = append(caller, entryCopy, new Binary(dev.ebpfc.ir.BinaryOp.XOR, a, constant(caller, entryCopy)));
            values.put(params.get(k), a);
        }
        for (Block cb : cfg.reversePostorder()) {
            Block nb = blocks.get(cb);
            for (Inst ci : cb.instructions()) {
                if (ci.op() instanceof FramePointer) continue;
                Instruction op = ci.op().mapOperands(v -> values.getOrDefault(v, v));
                if (op instanceof Return(Value r)) {
                    op = new Jump(BlockCall.of(tail, r));
                } else {
                    op = op.mapBlockCalls(c -> new BlockCall(blocks.get(c.target()), c.args()));
                }
                Inst ni = caller.newInst(op);
                nb.append(ni);
                if (ci.result() != null) values.put(ci.result(), ni.result());
            }
        }
        head.append(caller.newInst(new Jump(BlockCall.of(entryCopy))));
        call.result().replaceAllUsesWith(result);
        call.remove();
    }

    private static Value append(Function f, Block b, Instruction op) {
        Inst i = f.newInst(op);
        b.append(i);
        return i.result();
    }

    private static Value constant(Function f, Block b) {
        return append(f, b, new Const(Type.I64, 0));
    }

    /// Removes functions other than the entry that nothing calls or addresses, unless a `callx`
    /// could reach any function by a computed address.
    private static void removeUnreferenced(Module m, PassContext context) {
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<String, Integer> refs = new HashMap<>();
            for (Function f : m.functions()) {
                for (Block b : f.blocks()) {
                    for (Inst i : b.instructions()) {
                        switch (i.op()) {
                            case CallLocal c -> refs.merge(c.function(), 1, Integer::sum);
                            case FuncAddr a -> refs.merge(a.function(), 1, Integer::sum);
                            case CallIndirect _ -> {
                                return;
                            }
                            default -> { }
                        }
                    }
                }
            }
            for (Function f : List.copyOf(m.functions())) {
                if (f != m.entry() && !refs.containsKey(f.name())) {
                    m.removeFunction(f);
                    context.count("inline.functions-removed", 1);
                    changed = true;
                }
            }
        }
    }
}

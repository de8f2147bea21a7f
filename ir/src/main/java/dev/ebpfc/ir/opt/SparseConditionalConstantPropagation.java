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

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/// Sparse conditional constant propagation (`sccp`), after Wegman and Zadeck ("Constant
/// Propagation with Conditional Branches", TOPLAS 1991), with block parameters in place of phis.
///
/// Every value starts unknown (⊤) and moves down to a constant, then to overdefined (⊥); every
/// block and edge starts unexecuted. Two worklists drive it: edges that became executable (the
/// target's parameters take the meet of the arguments on its executable incoming edges, and a
/// target reached for the first time has all its instructions evaluated) and values whose
/// lattice element changed (their users in executable blocks are evaluated again). A branch
/// whose operands are constants makes only its taken edge executable; one with an unknown
/// operand makes none yet. Folding follows [Fold], the interpreter's semantics.
///
/// Then: constant results become `const` (only `i32`/`i64`: pointers are never replaced by
/// numbers, their provenance matters to the verifier), constant parameters are replaced and
/// dropped, branches with one executable edge become jumps and blocks never executed are
/// removed. Memory is not modelled: a load is overdefined even after a store of a constant.
final class SparseConditionalConstantPropagation implements Pass {
    private static final byte TOP = 0, CONST = 1, BOTTOM = 2;

    @Override
    public String name() {
        return "sccp";
    }

    @Override
    public void run(Module module, PassContext context) {
        for (Function f : module.functions()) new Solver(f, context).run();
    }

    private static final class Solver {
        final Function f;
        final PassContext context;
        final byte[] state;
        final long[] constant;
        final BitSet executableBlocks = new BitSet();
        /// Edge `k` of block `b`'s terminator is bit `2b + k` (at most two edges per terminator).
        final BitSet executableEdges = new BitSet();
        final ArrayDeque<Integer> edgeWork = new ArrayDeque<>();
        final ArrayDeque<Value> valueWork = new ArrayDeque<>();

        Solver(Function f, PassContext context) {
            this.f = f;
            this.context = context;
            state = new byte[f.valueIdBound()];
            constant = new long[f.valueIdBound()];
        }

        void run() {
            Block entry = f.entry();
            for (Value p : entry.params()) lower(p, BOTTOM, 0);
            reach(entry);
            while (!edgeWork.isEmpty() || !valueWork.isEmpty()) {
                while (!edgeWork.isEmpty()) {
                    int e = edgeWork.poll();
                    BlockCall c = blockById(e >> 1).terminator().op().blockCalls().get(e & 1);
                    passArgs(c);
                    reach(c.target());
                }
                if (!valueWork.isEmpty()) {
                    Value v = valueWork.poll();
                    for (Inst u : Rewrite.distinctUsers(v)) {
                        if (u.block() != null && executableBlocks.get(u.block().id())) visit(u);
                    }
                }
            }
            rewrite();
        }

        private Block[] blocks;

        Block blockById(int id) {
            if (blocks == null) {
                blocks = new Block[f.blockIdBound()];
                for (Block b : f.blocks()) blocks[b.id()] = b;
            }
            return blocks[id];
        }

        void reach(Block b) {
            if (executableBlocks.get(b.id())) return;
            executableBlocks.set(b.id());
            for (Inst i : b.instructions()) visit(i);
        }

        void visit(Inst i) {
            Instruction op = i.op();
            if (op instanceof Instruction.Terminator) {
                visitTerminator(i);
                return;
            }
            Value r = i.result();
            if (r == null) return;
            if (r.type().isPointer()) {
                lower(r, BOTTOM, 0);
                return;
            }
            if (op instanceof Select(Value c, Value t, Value e)) {
                switch (state[c.id()]) {
                    case TOP -> { }
                    case CONST -> copy(r, constant[c.id()] != 0 ? t : e);
                    default -> {
                        copy(r, t);
                        copy(r, e);
                    }
                }
                return;
            }
            if (!Fold.isFoldable(op)) {
                lower(r, BOTTOM, 0);
                return;
            }
            byte s = CONST;
            for (Value o : op.operands()) s = (byte) Math.max(s, state[o.id()]);
            for (Value o : op.operands()) if (state[o.id()] == TOP) s = TOP;
            if (s == CONST) lower(r, CONST, Fold.evaluate(op, r.type(), v -> constant[v.id()]));
            else if (s == BOTTOM) lower(r, BOTTOM, 0);
        }

        void visitTerminator(Inst i) {
            int b = i.block().id();
            switch ((Instruction.Terminator) i.op()) {
                case Jump _, TailCall _ -> edge(b, 0);
                case Branch br -> {
                    byte x = state[br.a().id()], y = state[br.b().id()];
                    if (x == TOP || y == TOP) return;
                    if (x == CONST && y == CONST) {
                        edge(b, br.cond().test(constant[br.a().id()], constant[br.b().id()], br.width()) ? 0 : 1);
                    } else {
                        edge(b, 0);
                        edge(b, 1);
                    }
                }
                case Return _, Trap _ -> { }
            }
            // Arguments may have changed on edges already executable.
            List<BlockCall> calls = i.op().blockCalls();
            for (int k = 0; k < calls.size(); k++) {
                if (executableEdges.get(2 * b + k)) passArgs(calls.get(k));
            }
        }

        void edge(int block, int k) {
            int e = 2 * block + k;
            if (executableEdges.get(e)) return;
            executableEdges.set(e);
            edgeWork.add(e);
        }

        /// Meets each parameter of the target of executable edge `c` with its argument. Elements
        /// only move down and edges only become executable, so meeting in what an edge passes now
        /// is the same as taking the meet over all executable edges again.
        void passArgs(BlockCall c) {
            List<Value> params = c.target().params();
            List<Value> args = c.args();
            for (int j = 0; j < params.size(); j++) copy(params.get(j), args.get(j));
        }

        /// Lowers `to` by the lattice element of `from`.
        void copy(Value to, Value from) {
            if (to.type().isPointer()) {
                lower(to, BOTTOM, 0);
                return;
            }
            byte s = state[from.id()];
            if (s != TOP) lower(to, s, constant[from.id()]);
        }

        /// Meets `v` with (`s`, `c`); queues it when that changed it.
        void lower(Value v, byte s, long c) {
            int id = v.id();
            byte old = state[id];
            if (old == BOTTOM || s == TOP) return;
            if (old == CONST && (s == CONST && constant[id] == c)) return;
            if (old == CONST || s == BOTTOM) {
                state[id] = BOTTOM;
            } else {
                state[id] = CONST;
                constant[id] = c;
            }
            valueWork.add(v);
        }

        void rewrite() {
            long folded = 0, branches = 0, params = 0;
            for (Block b : List.copyOf(f.blocks())) {
                if (!executableBlocks.get(b.id())) continue;
                for (Inst i : b.instructions()) {
                    Value r = i.result();
                    if (r != null && state[r.id()] == CONST && !(i.op() instanceof Const)) {
                        i.setOp(new Const(r.type(), constant[r.id()]));
                        folded++;
                    }
                }
                if (b != f.entry()) {
                    List<Value> ps = b.params();
                    for (int k = ps.size() - 1; k >= 0; k--) {
                        Value p = ps.get(k);
                        if (state[p.id()] != CONST) continue;
                        Inst c = f.newInst(new Const(p.type(), constant[p.id()]));
                        b.insertBefore(b.instructions().getFirst(), c);
                        p.replaceAllUsesWith(c.result());
                        b.removeParam(k);
                        params++;
                    }
                }
                Inst t = b.terminator();
                if (t.op() instanceof Branch br) {
                    boolean taken = executableEdges.get(2 * b.id()), notTaken = executableEdges.get(2 * b.id() + 1);
                    if (taken != notTaken) {
                        t.setOp(new Jump(taken ? br.ifTrue() : br.ifFalse()));
                        branches++;
                    }
                }
            }
            long blocksRemoved = Rewrite.removeUnreachableBlocks(f);
            context.count("sccp.folded", folded);
            context.count("sccp.params", params);
            context.count("sccp.branches", branches);
            context.count("sccp.blocks", blocksRemoved);
        }
    }
}

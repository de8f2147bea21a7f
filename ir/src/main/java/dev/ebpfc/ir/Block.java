package dev.ebpfc.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/// A basic block (`block3`): parameters (the SSA merge points, in place of phis), instructions
/// in order, the last of which should be the terminator. The list may be in any state while a
/// pass works on it; the checker says whether it ends in exactly one terminator.
///
/// The block also tracks its callers — the placed terminators with an edge to it, one entry per
/// edge — so predecessors are always current and removing a parameter removes the matching
/// argument from every edge.
public final class Block {
    private final int id;
    private Function function;
    private final List<Value> params = new ArrayList<>(2);
    private final List<Inst> insts = new ArrayList<>();
    private final List<Inst> callers = new ArrayList<>(2);

    Block(int id, Function function) {
        this.id = id;
        this.function = function;
    }

    public int id() {
        return id;
    }

    /// The function whose layout holds this block, or null once removed.
    public Function function() {
        return function;
    }

    void setFunction(Function f) {
        function = f;
    }

    public List<Value> params() {
        return Collections.unmodifiableList(params);
    }

    public Value addParam(Type type) {
        return addParam(function.allocateValue(type));
    }

    Value addParam(Value v) {
        v.setParamOf(this);
        params.add(v);
        return v;
    }

    /// Removes parameter `index` and the matching argument of every edge into this block.
    /// Uses of the parameter are left for the caller to replace first.
    public void removeParam(int index) {
        Value p = params.remove(index);
        p.setParamOf(null);
        for (Inst caller : distinctCallers()) {
            caller.setOp(caller.op().mapBlockCalls(c -> c.target() == this ? c.withoutArg(index) : c));
        }
    }

    public List<Inst> instructions() {
        return Collections.unmodifiableList(insts);
    }

    /// The last instruction if it is a terminator, else null.
    public Inst terminator() {
        if (insts.isEmpty()) return null;
        Inst last = insts.getLast();
        return last.isTerminator() ? last : null;
    }

    /// Targets of the terminator's edges in order, repeated if two edges go to the same block.
    public List<Block> successors() {
        Inst t = terminator();
        if (t == null) return List.of();
        List<Block> out = new ArrayList<>(2);
        for (BlockCall c : t.op().blockCalls()) out.add(c.target());
        return out;
    }

    /// Blocks with an edge to this one, each once.
    public List<Block> predecessors() {
        List<Block> out = new ArrayList<>(callers.size());
        for (Inst c : callers) {
            if (!out.contains(c.block())) out.add(c.block());
        }
        return out;
    }

    /// Placed instructions with an edge to this block, each once.
    public List<Inst> distinctCallers() {
        List<Inst> out = new ArrayList<>(callers.size());
        for (Inst c : callers) {
            if (!out.contains(c)) out.add(c);
        }
        return out;
    }

    public Inst append(Inst inst) {
        insts.add(inst);
        inst.attach(this);
        return inst;
    }

    public Inst insertBefore(Inst anchor, Inst inst) {
        insts.add(indexOf(anchor), inst);
        inst.attach(this);
        return inst;
    }

    public Inst insertAfter(Inst anchor, Inst inst) {
        insts.add(indexOf(anchor) + 1, inst);
        inst.attach(this);
        return inst;
    }

    /// Position of `inst` in this block.
    public int indexOf(Inst inst) {
        Objects.requireNonNull(inst);
        for (int i = 0; i < insts.size(); i++) {
            if (insts.get(i) == inst) return i;
        }
        throw new IllegalArgumentException(inst + " is not in " + this);
    }

    void removeInst(Inst inst) {
        insts.remove(indexOf(inst));
        inst.detach();
    }

    /// Detaches every instruction (when the block leaves its function).
    void clear() {
        for (Inst i : List.copyOf(insts)) removeInst(i);
    }

    void addCaller(Inst inst) {
        callers.add(inst);
    }

    void removeCaller(Inst inst) {
        for (int i = callers.size() - 1; i >= 0; i--) {
            if (callers.get(i) == inst) {
                callers.remove(i);
                return;
            }
        }
        throw new IllegalStateException(inst + " has no edge to " + this);
    }

    @Override
    public String toString() {
        return "block" + id;
    }
}

package dev.ebpfc.ir;

import dev.ebpfc.ir.text.IrPrinter;

import java.util.Objects;

/// An instruction placed in a block: the [Instruction] record it computes, the [Value] it
/// defines (if any) and the block holding it. Use lists and block callers are registered while
/// the instruction is in a block, so a detached instruction affects nothing.
public final class Inst {
    private Instruction op;
    private final Value result;
    private Block block;
    /// The bytecode slot this instruction was lifted from, or -1.
    private int slot = -1;

    Inst(Instruction op, Value result) {
        this.op = Objects.requireNonNull(op);
        if (op.hasResult() != (result != null)) throw new IllegalArgumentException(op + (result == null ? " needs" : " has no") + " result");
        this.result = result;
        if (result != null) result.setDefinition(this);
    }

    public Instruction op() {
        return op;
    }

    /// The value this instruction defines, or null.
    public Value result() {
        return result;
    }

    /// The block holding this instruction, or null when detached.
    public Block block() {
        return block;
    }

    /// The bytecode slot of the BPF instruction this one was lifted from (for messages that name
    /// the source), or -1 when it has none: made by a pass, parsed from text, or lifter glue.
    public int slot() {
        return slot;
    }

    public void setSlot(int slot) {
        this.slot = slot;
    }

    public boolean isTerminator() {
        return op.isTerminator();
    }

    /// Replaces what this instruction computes, keeping its result value (and its uses).
    public void setOp(Instruction newOp) {
        Objects.requireNonNull(newOp);
        if (newOp.hasResult() != (result != null)) throw new IllegalArgumentException(newOp + " does not match result " + result);
        if (block != null) unregister();
        op = newOp;
        if (block != null) register();
    }

    /// Takes this instruction out of its block. Uses of its result are left for the caller to
    /// replace first; the checker reports any that remain.
    public void remove() {
        if (block == null) throw new IllegalStateException(this + " is not in a block");
        block.removeInst(this);
    }

    void attach(Block b) {
        if (block != null) throw new IllegalStateException(this + " is already in " + block);
        block = b;
        register();
    }

    void detach() {
        unregister();
        block = null;
    }

    private void register() {
        for (Value v : op.operands()) v.addUser(this);
        for (BlockCall c : op.blockCalls()) c.target().addCaller(this);
    }

    private void unregister() {
        for (Value v : op.operands()) v.removeUser(this);
        for (BlockCall c : op.blockCalls()) c.target().removeCaller(this);
    }

    /// The instruction in text format (`v3 = add.i64 v1, v2`).
    @Override
    public String toString() {
        return IrPrinter.instruction(this);
    }
}

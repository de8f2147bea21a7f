package dev.ebpfc.ir;

import dev.ebpfc.ir.text.IrPrinter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/// A function (`@name`): blocks in layout order, the first being the entry, whose parameters are
/// the function's parameters (BPF r1–r5). Values and blocks are numbered per function; ids are
/// never reused, so analyses can index arrays by id up to [#valueIdBound()] and [#blockIdBound()].
public final class Function {
    private final String name;
    private final List<Block> blocks = new ArrayList<>();
    private int nextValueId;
    private int nextBlockId;

    public Function(String name) {
        this.name = Objects.requireNonNull(name);
    }

    public String name() {
        return name;
    }

    /// Blocks in layout order.
    public List<Block> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /// The entry block: first in layout.
    public Block entry() {
        if (blocks.isEmpty()) throw new IllegalStateException("@" + name + " has no blocks");
        return blocks.getFirst();
    }

    public List<Value> params() {
        return blocks.isEmpty() ? List.of() : entry().params();
    }

    /// A new empty block at the end of the layout.
    public Block createBlock() {
        Block b = new Block(nextBlockId++, this);
        blocks.add(b);
        return b;
    }

    /// A new empty block with a given id (for the parser); ids must be unique.
    public Block createBlock(int id) {
        for (Block b : blocks) {
            if (b.id() == id) throw new IllegalArgumentException("block" + id + " already exists in @" + name);
        }
        Block b = new Block(id, this);
        nextBlockId = Math.max(nextBlockId, id + 1);
        blocks.add(b);
        return b;
    }

    /// Moves `block` in the layout to just after `anchor`.
    public void moveAfter(Block block, Block anchor) {
        if (block == anchor) return;
        blocks.remove(layoutIndex(block));
        blocks.add(layoutIndex(anchor) + 1, block);
    }

    /// Replaces the layout order; `order` must hold exactly this function's blocks.
    public void setLayout(List<Block> order) {
        if (order.size() != blocks.size() || !blocks.containsAll(order)) throw new IllegalArgumentException("layout must permute the function's blocks");
        blocks.clear();
        blocks.addAll(order);
    }

    /// Removes `block` with its instructions. Edges into it and uses of its values elsewhere are
    /// the caller's to fix first; the checker reports any that remain.
    public void removeBlock(Block block) {
        blocks.remove(layoutIndex(block));
        block.clear();
        block.setFunction(null);
    }

    public int layoutIndex(Block block) {
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i) == block) return i;
        }
        throw new IllegalArgumentException(block + " is not in @" + name);
    }

    /// A detached instruction computing `op`, its result typed by [TypeRules].
    public Inst newInst(Instruction op) {
        return newInst(op, op.hasResult() ? TypeRules.resultType(op) : null);
    }

    /// A detached instruction computing `op` whose result has type `type` (null if none), for the
    /// parser, which must build ill-typed IR for the checker to report.
    public Inst newInst(Instruction op, Type type) {
        return new Inst(op, op.hasResult() ? allocateValue(type) : null);
    }

    /// A detached instruction computing `op` that defines `result`, a value from
    /// [#newValue(int, Type)] (for the parser, where uses may precede the definition).
    public Inst newInst(Instruction op, Value result) {
        if (result != null && (result.definingInst() != null || result.isParam())) throw new IllegalArgumentException(result + " is already defined");
        return new Inst(op, result);
    }

    /// Adds `param`, a value from [#newValue(int, Type)], as the last parameter of `block`.
    public Value addParam(Block block, Value param) {
        if (param.definingInst() != null || param.isParam()) throw new IllegalArgumentException(param + " is already defined");
        return block.addParam(param);
    }

    /// A value with a given id that nothing defines yet (for the parser); the caller keeps ids
    /// unique.
    public Value newValue(int id, Type type) {
        nextValueId = Math.max(nextValueId, id + 1);
        return new Value(id, type);
    }

    /// Ids of every value in this function are below this bound.
    public int valueIdBound() {
        return nextValueId;
    }

    /// Ids of every block in this function are below this bound.
    public int blockIdBound() {
        return nextBlockId;
    }

    Value allocateValue(Type type) {
        return new Value(nextValueId++, type);
    }

    /// The function in text format.
    @Override
    public String toString() {
        return IrPrinter.print(this);
    }
}

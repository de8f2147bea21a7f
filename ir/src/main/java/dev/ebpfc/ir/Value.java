package dev.ebpfc.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/// An SSA value (`v7`): the result of an [Inst] or a parameter of a [Block]. Identity is the
/// object; the id is unique within its function and is what the text format prints.
///
/// Each value keeps the list of instructions that use it (one entry per operand slot, so
/// `add v1, v1` appears twice), maintained by [Inst] whenever an instruction is placed, removed
/// or given a new record. Passes therefore ask `hasUses()` and call `replaceAllUsesWith` without
/// rebuilding anything.
public final class Value {
    private final int id;
    private Type type;
    private Inst definingInst;
    private Block definingBlock;
    private final List<Inst> users = new ArrayList<>(2);

    Value(int id, Type type) {
        this.id = id;
        this.type = Objects.requireNonNull(type);
    }

    public int id() {
        return id;
    }

    public Type type() {
        return type;
    }

    /// Changes the type, for the lifter's type inference (a block parameter whose provenance is
    /// known only once all incoming edges are). Run the checker afterwards.
    public void setType(Type type) {
        this.type = Objects.requireNonNull(type);
    }

    /// The instruction defining this value, or null for a block parameter.
    public Inst definingInst() {
        return definingInst;
    }

    /// The block whose parameter this is, or null for an instruction result.
    public Block definingParamBlock() {
        return definingBlock;
    }

    /// The block the definition is in, or null if the definition was removed.
    public Block definingBlock() {
        return definingInst != null ? definingInst.block() : definingBlock;
    }

    public boolean isParam() {
        return definingBlock != null;
    }

    /// The constant this value is defined as, or null.
    public Instruction.Const asConst() {
        return definingInst != null && definingInst.op() instanceof Instruction.Const c ? c : null;
    }

    /// Instructions using this value, once per operand slot, in no particular order.
    public List<Inst> users() {
        return Collections.unmodifiableList(users);
    }

    public boolean hasUses() {
        return !users.isEmpty();
    }

    /// Makes every instruction using this value use `replacement` instead.
    public void replaceAllUsesWith(Value replacement) {
        Objects.requireNonNull(replacement);
        if (replacement == this) return;
        for (Inst user : List.copyOf(users)) {
            if (user.block() != null) user.setOp(user.op().mapOperands(v -> v == this ? replacement : v));
        }
    }

    void addUser(Inst inst) {
        users.add(inst);
    }

    void removeUser(Inst inst) {
        for (int i = users.size() - 1; i >= 0; i--) {
            if (users.get(i) == inst) {
                users.remove(i);
                return;
            }
        }
        throw new IllegalStateException(inst + " is not a user of " + this);
    }

    void setDefinition(Inst inst) {
        definingInst = inst;
    }

    void setParamOf(Block block) {
        definingBlock = block;
    }

    @Override
    public String toString() {
        return "v" + id;
    }
}

package dev.ebpfc.ir.lift;

import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.FunctionBuilder;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.TypeRules;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.Cfg;

import java.util.ArrayList;
import java.util.List;

/// Pointer provenance for a lifted function, where it is certain. Instruction results are typed
/// by [TypeRules] from their operands (`ptr.stack + i64` is a `ptr.stack`); what remains is the
/// block parameters, which the SSA builder made `i64`. This pass solves for them optimistically: a
/// parameter starts unknown (above every type), takes the join of the types flowing into it and
/// only ever moves down (`ptr.X` → `ptr` → `i64`), so it terminates; a pointer carried around a
/// loop (`p += 1`) keeps its region. Parameters still unknown at the end (no typed input) are
/// `i64`.
///
/// BPF allows arithmetic the typing rules refuse — `ptr + ptr`, `int - ptr` — when the verifier
/// would; the IR keeps the operation and makes the pointer operands integers first, with
/// `xor p, 0` (an `i64` with the same bits).
final class TypeInference {
    private TypeInference() {
    }

    static void run(Function f) {
        List<Block> rpo = Cfg.of(f).reversePostorder();
        boolean[] unknown = new boolean[f.valueIdBound()];
        boolean anyParam = false;
        for (Block b : rpo) {
            if (b == f.entry()) continue;
            for (Value p : b.params()) unknown[p.id()] = anyParam = true;
        }
        if (anyParam) {
            // Only 64-bit arithmetic (whose type follows its operands) and edges take part.
            List<Inst> arith = new ArrayList<>();
            for (Block b : rpo) {
                for (Inst inst : b.instructions()) {
                    if (inst.op() instanceof Instruction.Binary && inst.result().type() != Type.I32) arith.add(inst);
                    else if (inst.isTerminator() && !inst.op().blockCalls().isEmpty()) arith.add(inst);
                }
            }
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Inst inst : arith) {
                    if (inst.op() instanceof Instruction.Binary(BinaryOp op, Value x, Value y)) {
                        Value r = inst.result();
                        unknown[r.id()] = unknown[x.id()] || unknown[y.id()];
                        if (!unknown[r.id()]) r.setType(binaryType(op, x.type(), y.type()));
                    } else {
                        changed |= joinEdges(inst, unknown);
                    }
                }
            }
        }
        for (Block b : rpo) {
            for (Value p : b.params()) if (unknown[p.id()]) p.setType(Type.I64);
        }
        // Settle every result type by the typing rules, fixing pointer arithmetic they refuse;
        // repeat while a parameter has to widen further (each round only lowers parameters).
        do {
            for (Block b : rpo) {
                for (Inst inst : List.copyOf(b.instructions())) {
                    if (inst.op() instanceof Instruction.Binary bin) integerOperands(f, inst, bin);
                    if (inst.result() != null) inst.result().setType(TypeRules.resultType(inst.op()));
                }
            }
        } while (joinEdges(rpo));
    }

    /// The type of `x op y` for 64-bit operands, where the refused cases are integers.
    static Type binaryType(BinaryOp op, Type x, Type y) {
        return switch (op) {
            case ADD -> x.isPointer() && y.isPointer() ? Type.I64 : x.isPointer() ? x : y.isPointer() ? y : Type.I64;
            case SUB -> y.isPointer() ? Type.I64 : x.isPointer() ? x : Type.I64;
            default -> Type.I64;
        };
    }

    private static boolean joinEdges(Inst t, boolean[] unknown) {
        boolean changed = false;
        for (BlockCall c : t.op().blockCalls()) {
            List<Value> params = c.target().params();
            for (int k = 0; k < params.size(); k++) {
                Value a = c.args().get(k), p = params.get(k);
                if (unknown[a.id()]) continue;
                Type nt = unknown[p.id()] ? a.type() : Type.join(p.type(), a.type());
                if (unknown[p.id()] || nt != p.type()) {
                    unknown[p.id()] = false;
                    p.setType(nt);
                    changed = true;
                }
            }
        }
        return changed;
    }

    private static boolean joinEdges(List<Block> blocks) {
        boolean changed = false;
        for (Block b : blocks) {
            Inst t = b.terminator();
            for (BlockCall c : t.op().blockCalls()) {
                List<Value> params = c.target().params();
                for (int k = 0; k < params.size(); k++) {
                    Value a = c.args().get(k), p = params.get(k);
                    if (!a.type().isAssignableTo(p.type())) {
                        p.setType(Type.join(p.type(), a.type()));
                        changed = true;
                    }
                }
            }
        }
        return changed;
    }

    /// Rewrites `ptr + ptr` and `int - ptr` so the typing rules accept them.
    private static void integerOperands(Function f, Inst inst, Instruction.Binary bin) {
        Type x = bin.a().type(), y = bin.b().type();
        boolean refused = (bin.op() == BinaryOp.ADD && x.isPointer() && y.isPointer())
                || (bin.op() == BinaryOp.SUB && !x.isPointer() && y.isPointer());
        if (!refused) return;
        FunctionBuilder fb = new FunctionBuilder(f).positionBefore(inst);
        Value a = x.isPointer() && bin.op() == BinaryOp.ADD ? asInteger(fb, bin.a()) : bin.a();
        Value b = asInteger(fb, bin.b());
        inst.setOp(new Instruction.Binary(bin.op(), a, b));
    }

    /// `v` as an `i64` with the same bits.
    static Value asInteger(FunctionBuilder fb, Value v) {
        return fb.xor(v, fb.i64(0));
    }
}

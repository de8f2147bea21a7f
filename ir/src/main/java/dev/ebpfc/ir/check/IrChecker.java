package dev.ebpfc.ir.check;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.MapDecl;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.TypeRules;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.Cfg;
import dev.ebpfc.ir.analysis.DominatorTree;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/// Checks that IR is well formed:
/// - every block ends in exactly one terminator, with no instruction after it;
/// - every operand is a value defined in the same function, and its definition dominates the use
///   (earlier in the same block, or in a strictly dominating block; a block's parameters
///   dominate the whole block); uses in unreachable blocks are checked for order only;
/// - every instruction's operand and result types follow [TypeRules];
/// - every edge goes to a block of the function, passing one argument per parameter, each
///   assignable to the parameter's type; nothing jumps to the entry block;
/// - with a module: map indices are declared (global data through `global_value`), called and
///   addressed functions exist, and local calls match the callee's parameters.
///
/// Unreachable blocks are allowed; [#unreachableBlocks] reports them.
public final class IrChecker {
    private final Module module;
    private final Function f;
    private final List<CheckError> errors;

    private IrChecker(Module module, Function f, List<CheckError> errors) {
        this.module = module;
        this.f = f;
        this.errors = errors;
    }

    /// Errors in every function of `m`, in layout order.
    public static List<CheckError> check(Module m) {
        List<CheckError> errors = new ArrayList<>();
        for (Function f : m.functions()) new IrChecker(m, f, errors).run();
        return errors;
    }

    /// Errors in `f` alone, skipping the rules that need its module.
    public static List<CheckError> check(Function f) {
        List<CheckError> errors = new ArrayList<>();
        new IrChecker(null, f, errors).run();
        return errors;
    }

    /// Throws with every error, one per line, if `m` is not well formed (for tests and between
    /// passes).
    public static void requireWellFormed(Module m) {
        List<CheckError> errors = check(m);
        if (!errors.isEmpty()) throw new IllegalStateException(format(errors) + "\n" + m);
    }

    public static void requireWellFormed(Function f) {
        List<CheckError> errors = check(f);
        if (!errors.isEmpty()) throw new IllegalStateException(format(errors) + "\n" + f);
    }

    public static String format(List<CheckError> errors) {
        StringBuilder sb = new StringBuilder();
        for (CheckError e : errors) sb.append(e).append('\n');
        return sb.toString();
    }

    /// Blocks the entry cannot reach, in layout order.
    public static List<Block> unreachableBlocks(Function f) {
        return f.blocks().isEmpty() ? List.of() : Cfg.of(f).unreachableBlocks();
    }

    private void error(Block b, Inst i, String why) {
        errors.add(new CheckError(f, b, i, why));
    }

    private void run() {
        if (f.blocks().isEmpty()) {
            error(null, null, "has no blocks");
            return;
        }
        Set<Value> defined = definitions();
        DominatorTree dom = DominatorTree.of(f);
        for (Block b : f.blocks()) {
            checkStructure(b);
            Set<Value> before = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Inst i : b.instructions()) {
                checkOperands(b, i, defined, before, dom);
                checkTypes(b, i);
                checkEdges(b, i);
                if (module != null) checkModuleRefs(b, i);
                if (i.result() != null) before.add(i.result());
            }
        }
    }

    /// Every value defined in `f`, checking definitions point back at their definers and ids are
    /// not shared.
    private Set<Value> definitions() {
        Set<Value> defined = Collections.newSetFromMap(new IdentityHashMap<>());
        IntObjectHashMap<Value> byId = new org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap<>();
        for (Block b : f.blocks()) {
            for (Value p : b.params()) {
                if (p.definingParamBlock() != b) error(b, null, "parameter " + p + " is recorded as defined elsewhere");
                define(b, null, p, defined, byId);
            }
            for (Inst i : b.instructions()) {
                if (i.block() != b) error(b, i, "is recorded as being in " + i.block());
                if (i.result() == null) continue;
                if (i.result().definingInst() != i) error(b, i, "result " + i.result() + " is recorded as defined elsewhere");
                define(b, i, i.result(), defined, byId);
            }
        }
        return defined;
    }

    private void define(Block b, Inst i, Value v, Set<Value> defined,
                        IntObjectHashMap<Value> byId) {
        if (!defined.add(v)) error(b, i, v + " is defined twice");
        Value other = byId.put(v.id(), v);
        if (other != null && other != v) error(b, i, "two different values are named " + v);
    }

    private void checkStructure(Block b) {
        List<Inst> insts = b.instructions();
        for (int k = 1; k < insts.size(); k++) {
            if (insts.get(k - 1).isTerminator()) {
                error(b, insts.get(k), "follows the terminator of " + b);
                break;
            }
        }
        if (insts.isEmpty() || !insts.getLast().isTerminator()) error(b, null, "does not end in a terminator");
    }

    private void checkOperands(Block b, Inst i, Set<Value> defined, Set<Value> before, DominatorTree dom) {
        for (Value v : distinct(i.op().operands())) {
            if (!defined.contains(v)) {
                error(b, i, "uses " + v + ", which is not defined in @" + f.name());
                continue;
            }
            Block d = v.definingBlock();
            if (d == b) {
                if (!v.isParam() && !before.contains(v)) error(b, i, "uses " + v + " before its definition");
            } else if (dom.cfg().isReachable(b) && !dom.dominates(d, b)) {
                error(b, i, "uses " + v + ", whose definition in " + d + " does not dominate " + b);
            }
        }
    }

    private void checkTypes(Block b, Inst i) {
        Type expected;
        try {
            expected = TypeRules.resultType(i.op());
        } catch (TypeRules.TypeError e) {
            error(b, i, e.getMessage());
            return;
        }
        Value r = i.result();
        if (r != null && r.type() != expected) error(b, i, "result " + r + " is " + r.type() + " but the instruction yields " + expected);
    }

    private void checkEdges(Block b, Inst i) {
        for (BlockCall c : i.op().blockCalls()) {
            Block t = c.target();
            if (t.function() != f) {
                error(b, i, "jumps to " + t + ", which is not in @" + f.name());
                continue;
            }
            if (t == f.entry()) error(b, i, "jumps to the entry block " + t);
            List<Value> params = t.params();
            if (c.args().size() != params.size()) {
                error(b, i, "passes " + plural(c.args().size(), "argument") + " to " + t + ", which takes " + params.size());
                continue;
            }
            for (int k = 0; k < params.size(); k++) {
                Value a = c.args().get(k), p = params.get(k);
                if (!a.type().isAssignableTo(p.type())) {
                    error(b, i, "passes " + a + ": " + a.type() + " to " + t + " parameter " + p + ": " + p.type());
                }
            }
        }
    }

    private void checkModuleRefs(Block b, Inst i) {
        switch (i.op()) {
            case MapRef m -> mapIndex(b, i, m.mapIndex());
            case MapValueAddr m -> {
                MapDecl d = mapIndex(b, i, m.mapIndex());
                if (d != null && d.global() != m.global()) {
                    error(b, i, "map" + m.mapIndex() + " " + (d.global() ? "holds global data; use global_value" : "is not global data; use map_value"));
                }
            }
            case FuncAddr a -> {
                if (module.function(a.function()) == null) error(b, i, "takes the address of @" + a.function() + ", which is not in the module");
            }
            case CallLocal c -> {
                Function callee = module.function(c.function());
                if (callee == null) {
                    error(b, i, "calls @" + c.function() + ", which is not in the module");
                    return;
                }
                List<Value> params = callee.params();
                if (params.size() != c.args().size()) {
                    error(b, i, "passes " + plural(c.args().size(), "argument") + " to @" + callee.name() + ", which takes " + params.size());
                    return;
                }
                for (int k = 0; k < params.size(); k++) {
                    Value a = c.args().get(k), p = params.get(k);
                    if (!a.type().isAssignableTo(p.type())) {
                        error(b, i, "passes " + a + ": " + a.type() + " to @" + callee.name() + " parameter " + p + ": " + p.type());
                    }
                }
            }
            case Const _, Binary _, Unary _, Extend _, Trunc _, ByteSwap _, Cmp _, Select _, Load _, Store _,
                 AtomicRmw _, CmpXchg _, PacketLoad _, FramePointer _, CallHelper _, CallKfunc _, CallIndirect _,
                 Jump _, Branch _, Return _, TailCall _, Trap _ -> { }
        }
    }

    private MapDecl mapIndex(Block b, Inst i, int index) {
        if (index < module.maps().size()) return module.maps().get(index);
        error(b, i, "refers to map" + index + ", which is not declared");
        return null;
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static List<Value> distinct(List<Value> values) {
        List<Value> out = new ArrayList<>(values.size());
        for (Value v : values) {
            if (!out.contains(v)) out.add(v);
        }
        return out;
    }
}

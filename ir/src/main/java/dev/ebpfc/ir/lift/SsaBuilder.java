package dev.ebpfc.ir.lift;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// SSA construction for the BPF registers, after Braun, Buchwald, Hack, Leißa, Mallon and Zwinkau,
/// "Simple and Efficient Construction of Static Single Assignment Form" (CC 2013), with block
/// parameters in place of phis.
///
/// The lifter translates blocks in reverse postorder, recording each register write here and
/// asking here for each register read. A read with no write earlier in the block looks into the
/// predecessors: through a single predecessor directly, at a merge by adding a block parameter
/// whose incoming values are looked up in each predecessor. A block whose predecessors are not
/// all translated yet (a loop header) is *unsealed*: reads there get a parameter at once and its
/// incoming values are filled in when the last predecessor is done ([#filled]). A parameter
/// whose incoming values are all one value (or itself) is trivial and is replaced by that value,
/// recursively through the parameters that used it; for reducible CFGs (all that clang emits)
/// the result is minimal SSA, and it is always pruned (parameters exist only for registers that
/// are read).
///
/// Terminators are emitted by the lifter only after construction ([#incoming]), when the final
/// parameter lists are known; until then a removed parameter lives on in a replacement map that
/// [#resolve] follows.
final class SsaBuilder {
    /// The value of a register a call left undefined. The lifter's must-init check guarantees
    /// that no read ever finds it.
    static final Value UNDEFINED = null;

    /// Per block, by block id: predecessors, the last value written to each register (null:
    /// none, or [#UNDEFINED] when `undefinedAt`), translated predecessors, whether sealed.
    private final List<Block>[] preds;
    private final Value[][] defs;
    private final boolean[][] undefinedAt;
    private final int[] filledPreds;
    private final boolean[] sealed;
    /// Parameters of unsealed blocks waiting for their incoming values, with their register.
    private final Map<Block, Map<Integer, Value>> incomplete = new IdentityHashMap<>();
    /// Incoming values of each parameter, by predecessor position in `preds`.
    private final Map<Value, Value[]> incoming = new IdentityHashMap<>();
    /// Parameters whose incoming values include a given parameter.
    private final Map<Value, Set<Value>> paramUsers = new IdentityHashMap<>();
    private final Map<Value, Value> replaced = new IdentityHashMap<>();

    @SuppressWarnings("unchecked")
    SsaBuilder(int variables, List<Block> blocks) {
        int n = 0;
        for (Block b : blocks) n = Math.max(n, b.id() + 1);
        preds = new List[n];
        defs = new Value[n][variables];
        undefinedAt = new boolean[n][variables];
        filledPreds = new int[n];
        sealed = new boolean[n];
        for (Block b : blocks) preds[b.id()] = new ArrayList<>(2);
    }

    /// Declares the edge `from` → `to` (each pair once), before any translation.
    void addEdge(Block from, Block to) {
        List<Block> p = preds[to.id()];
        if (!p.contains(from)) p.add(from);
    }

    /// Seals the blocks with no predecessors (the entry); call after declaring every edge.
    void start() {
        for (int i = 0; i < preds.length; i++) sealed[i] = preds[i] != null && preds[i].isEmpty();
    }

    void write(int var, Block b, Value v) {
        defs[b.id()][var] = v;
        undefinedAt[b.id()][var] = v == UNDEFINED;
    }

    Value read(int var, Block b) {
        Value v = defs[b.id()][var];
        if (v != null) return replaced.isEmpty() ? v : resolve(v);
        if (undefinedAt[b.id()][var]) throw new IllegalStateException("r" + var + " read after a call left it undefined");
        // Removing a trivial parameter may remove, recursively, the value just found.
        return resolve(readRecursive(var, b));
    }

    private Value readRecursive(int var, Block b) {
        Value v;
        List<Block> p = preds[b.id()];
        if (!sealed[b.id()]) {
            v = b.addParam(Type.I64);
            incomplete.computeIfAbsent(b, k -> new HashMap<>()).put(var, v);
        } else if (p.size() == 1) {
            v = read(var, p.getFirst());
        } else if (p.isEmpty()) {
            throw new IllegalStateException("r" + var + " is read but never set on a path from the entry");
        } else {
            Value param = b.addParam(Type.I64);
            write(var, b, param);
            v = addIncoming(var, param);
        }
        write(var, b, v);
        return v;
    }

    private Value addIncoming(int var, Value param) {
        Block b = param.definingParamBlock();
        List<Block> p = preds[b.id()];
        Value[] in = new Value[p.size()];
        incoming.put(param, in);
        for (int i = 0; i < p.size(); i++) {
            Value v = read(var, p.get(i));
            in[i] = v;
            if (v.isParam()) paramUsers.computeIfAbsent(v, k -> new LinkedHashSet<>()).add(param);
        }
        return tryRemoveTrivial(param);
    }

    private Value tryRemoveTrivial(Value param) {
        Value same = null;
        for (Value op : incoming.get(param)) {
            op = resolve(op);
            if (op == same || op == param) continue;
            if (same != null) return param;
            same = op;
        }
        if (same == null) throw new IllegalStateException(param + " has no incoming value");
        Block b = param.definingParamBlock();
        param.replaceAllUsesWith(same);
        replaced.put(param, same);
        b.removeParam(b.params().indexOf(param));
        incoming.remove(param);
        Set<Value> users = paramUsers.remove(param);
        if (users != null) {
            if (same.isParam() || replaced.containsKey(same)) {
                paramUsers.computeIfAbsent(same, k -> new LinkedHashSet<>()).addAll(users);
            }
            for (Value u : users) {
                if (u != param && incoming.containsKey(u)) tryRemoveTrivial(u);
            }
        }
        return resolve(same);
    }

    /// Records that every instruction of `b` is translated: successors whose predecessors are
    /// now all done get sealed.
    void filled(Block b, List<Block> successors) {
        for (Block s : successors) {
            if (++filledPreds[s.id()] == preds[s.id()].size()) seal(s);
        }
    }

    private void seal(Block b) {
        Map<Integer, Value> waiting = incomplete.remove(b);
        sealed[b.id()] = true;
        if (waiting == null) return;
        for (Map.Entry<Integer, Value> e : waiting.entrySet()) addIncoming(e.getKey(), e.getValue());
    }

    /// The value `v` stands for after trivial parameters were replaced.
    Value resolve(Value v) {
        Value r = v;
        while (true) {
            Value next = replaced.get(r);
            if (next == null) return r;
            r = next;
        }
    }

    /// The values `pred` passes to the parameters of `target`, in parameter order.
    List<Value> incoming(Block pred, Block target) {
        int at = preds[target.id()].indexOf(pred);
        List<Value> args = new ArrayList<>(target.params().size());
        for (Value p : target.params()) {
            Value[] in = incoming.get(p);
            if (in == null) throw new IllegalStateException(p + " of " + target + " never got its incoming values");
            args.add(resolve(in[at]));
        }
        return args;
    }
}

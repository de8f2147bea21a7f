package dev.ebpfc.ir.opt;

import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.MapDecl;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.MapLookupElem;
import dev.ebpfc.runtime.maps.ArrayMap;

import java.util.List;

/// Replaces `bpf_map_lookup_elem(map, key)` on an `ARRAY` (or, modelled with one CPU, a
/// `PERCPU_ARRAY`) map named by a `map_ref` with the address the runtime's [ArrayMap#lookup]
/// returns:
///
/// ```
/// k    = load.u32 key+0                        ; the helper reads the 4-byte key at call time
/// addr = map_value mapN+0 + k * stride         ; ArrayMap.valueStride: value size rounded to 8
/// r    = select (k < max_entries), addr, 0
/// ```
///
/// The key need not be known: when a store of a constant or bounded value reaches the load,
/// load forwarding and the peepholes fold the bounds check and the multiply. The map's shape comes
/// from the module's map declaration; the helper's identity from the helper numbering, so nothing
/// happens when that is unknown.
///
/// The helper call disappears from the run's helper-call trace: optimised code does not record
/// inlined lookups, so differential tests compare traces without array-map lookups (or only at
/// -O0). Everything else about the call is kept: the key is read exactly as the helper reads it
/// (a bad key pointer faults the same way), and the result is the same pointer.
public final class HelperInlining implements Pass {
    @Override
    public String name() {
        return "helper-inline";
    }

    @Override
    public void run(Module module, PassContext context) {
        if (context.helpers() == null) return;
        for (Function f : module.functions()) {
            for (Block b : List.copyOf(f.blocks())) {
                for (Inst i : List.copyOf(b.instructions())) {
                    if (i.op() instanceof CallHelper h && isArrayLookup(module, h, context)) {
                        inlineLookup(module, i, h);
                        context.count("helper-inline.map-lookups", 1);
                    }
                }
            }
        }
    }

    private static boolean isArrayLookup(Module m, CallHelper h, PassContext context) {
        Helper helper = context.helpers().get(h.helper());
        if (!(helper instanceof MapLookupElem) || h.args().size() < 2) return false;
        MapDecl d = arrayMap(m, h.args().get(0));
        return d != null;
    }

    /// The declaration of the array map `v` names, or null.
    static MapDecl arrayMap(Module m, Value v) {
        if (v.definingInst() == null || !(v.definingInst().op() instanceof MapRef(int index)) || index >= m.maps().size()) return null;
        MapDecl d = m.maps().get(index);
        boolean array = d.type() == MapType.ARRAY || d.type() == MapType.PERCPU_ARRAY;
        return d.hasShape() && array && d.keySize() == 4 && d.maxEntries() > 0 ? d : null;
    }

    private static void inlineLookup(Module m, Inst call, CallHelper h) {
        int index = ((MapRef) h.args().get(0).definingInst().op()).mapIndex();
        MapDecl d = m.maps().get(index);
        long stride = ArrayMap.valueStride(d.valueSize(), d.global());
        Value key = Rewrites.before(call, new Load(Type.I64, Size.W, false, h.args().get(1), 0));
        Value max = Rewrites.constant(call, Type.I64, d.maxEntries());
        Value inBounds = Rewrites.before(call, new Cmp(Cond.JLT, Width.W64, key, max));
        Value offset = Rewrites.before(call, new Binary(BinaryOp.MUL, key, Rewrites.constant(call, Type.I64, stride)));
        Value base = Rewrites.before(call, new MapValueAddr(index, 0, d.global()));
        Value addr = Rewrites.before(call, new Binary(BinaryOp.ADD, base, offset));
        Value nil = Rewrites.constant(call, Type.I64, 0);
        Value r = Rewrites.before(call, new Select(inBounds, addr, nil));
        call.result().replaceAllUsesWith(r);
        Rewrites.erase(call);
    }
}

package dev.ebpfc.ir.opt;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction.Branch;
import dev.ebpfc.ir.Instruction.CallIndirect;
import dev.ebpfc.ir.Instruction.Jump;
import dev.ebpfc.ir.MapDecl;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.verify.Mode;
import dev.ebpfc.ir.verify.Verifier;
import dev.ebpfc.ir.verify.VerifierFacts;
import dev.ebpfc.ir.verify.VerifierFacts.BranchOutcome;
import dev.ebpfc.ir.verify.VerifierOptions;
import dev.ebpfc.ir.verify.VerifierResult;
import dev.ebpfc.runtime.context.ContextKind;

import java.util.ArrayList;
import java.util.List;

/// Bounds-check elimination (`bce`) from the safety verifier's facts: the module is verified
/// (strict mode for XDP and socket/TC programs, trusted for raw-memory programs, with the
/// context kind, maps and helper numbering of the [PassContext]), and every conditional branch
/// the verifier proved to go the same way on every path and in every calling context that
/// reaches it ([VerifierFacts#branchOutcome]) becomes a jump: packet bounds checks dominated by a
/// stronger one, integer range checks the ranges decide, NULL checks of pointers that cannot be
/// NULL. The blocks left unreachable are for DCE and `simplify-cfg` to remove.
///
/// Nothing changes when the verifier rejects the module (its facts then prove nothing), when it
/// fails, when the context kind, helper numbering or map shapes are unknown, or when the module
/// has a `call_indirect`: the verifier does not follow indirect calls, so the calling contexts
/// of the functions they reach (directly or through their callees) are missing from its facts.
final class BoundsCheckElimination implements Pass {
    @Override
    public String name() {
        return "bce";
    }

    @Override
    public void run(Module module, PassContext context) {
        ContextKind kind = context.programContext();
        if (kind == null || context.helpers() == null || module.entry() == null) return;
        if (hasIndirectCall(module)) {
            context.count("bce.callx", 1);
            return;
        }
        List<MapDef> maps = context.maps() != null ? context.maps() : mapsOf(module);
        if (maps == null) return;
        Mode mode = kind == ContextKind.RAW ? Mode.TRUSTED : Mode.STRICT;
        VerifierResult result;
        try {
            result = Verifier.verify(module, new VerifierOptions(mode, kind, maps, context.helpers(), null));
        } catch (RuntimeException e) {
            // The verifier does not model this module (an IR shape it never sees after lifting).
            context.count("bce.failed", 1);
            return;
        }
        if (!result.accepted()) {
            context.count("bce.rejected", 1);
            return;
        }
        VerifierFacts facts = result.facts();
        long folded = 0;
        for (Function f : module.functions()) {
            for (Block b : f.blocks()) {
                Inst t = b.terminator();
                if (t == null || !(t.op() instanceof Branch br)) continue;
                BranchOutcome o = facts.branchOutcome(t);
                if (o == BranchOutcome.UNKNOWN) continue;
                t.setOp(new Jump(o == BranchOutcome.TAKEN ? br.ifTrue() : br.ifFalse()));
                folded++;
            }
        }
        context.count("bce.folded", folded);
    }

    private static boolean hasIndirectCall(Module module) {
        for (Function f : module.functions()) {
            for (Block b : f.blocks()) {
                for (Inst i : b.instructions()) if (i.op() instanceof CallIndirect) return true;
            }
        }
        return false;
    }

    /// The maps of the module's declarations, or null when one has no shape.
    private static List<MapDef> mapsOf(Module module) {
        List<MapDef> out = new ArrayList<>();
        for (MapDecl d : module.maps()) {
            if (!d.hasShape()) return null;
            out.add(new MapDef(d.name(), d.type(), d.keySize(), d.valueSize(), d.maxEntries(), 0, null, false, d.global()));
        }
        return out;
    }
}

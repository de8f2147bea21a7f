package dev.ebpfc.ir.opt;

import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.check.IrChecker;

import java.util.List;

/// The one list of optimisation passes, in order, per level. `-O0` runs nothing (the lifted IR);
/// `-O1` the cheap cleanups; `-O2` everything.
public final class Pipeline {
    private Pipeline() {
    }

    /// The passes of `level`, in the order they run.
    public static List<Pass> passes(int level) {
        return switch (level) {
            case 0 -> List.of();
            case 1 -> List.of(
                    new StackSlotPromotion(),
                    new CopyPropagation(),
                    new SparseConditionalConstantPropagation(),
                    new CopyPropagation(),
                    new DeadCodeElimination(),
                    new CfgSimplification(),
                    new DeadCodeElimination());
            case 2 -> List.of(
                    new StackSlotPromotion(),
                    new CopyPropagation(),
                    new SparseConditionalConstantPropagation(),
                    // Inlining wants promoted callee frames; what it exposes is cleaned up below.
                    new Inliner(),
                    // Checks the verifier proves redundant, each inlined copy in its own caller's
                    // context; before helper inlining, whose address arithmetic the verifier does
                    // not follow (it would reject the module and prove nothing). DCE and
                    // simplify-cfg below remove what the folded checks guarded.
                    new BoundsCheckElimination(),
                    new HelperInlining(),
                    new RedundantLoadStoreElimination(),
                    new GlobalValueNumbering(),
                    new CopyPropagation(),
                    new Peepholes(),
                    new ZeroExtensionElimination(),
                    new DeadCodeElimination(),
                    new CfgSimplification(),
                    new LoopInvariantCodeMotion(),
                    // Merged blocks, threaded edges and inlined bodies expose more constants and redundancy.
                    new SparseConditionalConstantPropagation(),
                    new GlobalValueNumbering(),
                    new CopyPropagation(),
                    new DeadCodeElimination(),
                    new CfgSimplification());
            default -> throw new IllegalArgumentException("no optimisation level " + level + " (0, 1, 2)");
        };
    }

    /// Runs the passes of `context.level()` over `module` in place.
    public static Module run(Module module, PassContext context, PipelineListener listener) {
        for (Pass pass : passes(context.level())) {
            long t0 = System.nanoTime();
            pass.run(module, context);
            long nanos = System.nanoTime() - t0;
            if (context.checkBetweenPasses()) {
                try {
                    IrChecker.requireWellFormed(module);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("IR malformed after pass " + pass.name() + ": " + e.getMessage(), e);
                }
            }
            listener.afterPass(pass, module, nanos);
        }
        return module;
    }

    /// Every pass name, for validating `--print-after`.
    public static List<String> passNames() {
        return passes(2).stream().map(Pass::name).distinct().toList();
    }
}

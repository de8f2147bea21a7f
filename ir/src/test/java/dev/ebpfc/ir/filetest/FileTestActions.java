package dev.ebpfc.ir.filetest;

import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Module;
import dev.ebpfc.ir.Value;
import dev.ebpfc.ir.analysis.Cfg;
import dev.ebpfc.ir.analysis.DominatorTree;
import dev.ebpfc.ir.analysis.Liveness;
import dev.ebpfc.ir.analysis.Loops;
import dev.ebpfc.ir.check.CheckError;
import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.opt.Pass;
import dev.ebpfc.ir.opt.PassContext;
import dev.ebpfc.ir.opt.Pipeline;
import dev.ebpfc.ir.text.IrPrinter;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.ir.text.ParsedModule;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/// What each `; test:` action of an IR file test produces: output lines for `; check:` and
/// errors by source line for `; error:`.
final class FileTestActions {
    private FileTestActions() {}

    /// An error the action reports at a 1-based source line.
    record LineError(int line, String message) {}

    record Result(List<String> output, List<LineError> errors) {}

    static Result run(String action, ParsedModule parsed) {
        Module m = parsed.module();
        if (action.startsWith(PASS)) return new Result(lines(IrPrinter.print(runPass(action.substring(PASS.length()).strip(), m))), List.of());
        return switch (action) {
            case "print" -> new Result(lines(IrPrinter.print(m)), List.of());
            case "check" -> check(parsed);
            case "cfg" -> new Result(perFunction(m, FileTestActions::cfg), List.of());
            case "domtree" -> new Result(perFunction(m, FileTestActions::domtree), List.of());
            case "loops" -> new Result(perFunction(m, FileTestActions::loops), List.of());
            case "liveness" -> new Result(perFunction(m, FileTestActions::liveness), List.of());
            default -> throw new IllegalArgumentException("unknown test action '" + action + "'");
        };
    }

    /// `pass NAME`: runs the one pipeline pass called NAME (linux helper numbering), checks the IR
    /// and prints the module.
    private static final String PASS = "pass ";

    private static Module runPass(String name, Module m) {
        Pass pass = Pipeline.passes(2).stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pass '" + name + "' in the -O2 pipeline " + Pipeline.passNames()));
        pass.run(m, new PassContext(2, true, HelperProfile.LINUX));
        String errors = IrChecker.format(IrChecker.check(m));
        if (!errors.isEmpty()) throw new AssertionError("IR malformed after pass " + name + ":\n" + errors + m);
        return m;
    }

    static boolean isKnown(String action) {
        if (action.startsWith(PASS)) return true;
        return List.of("print", "check", "cfg", "domtree", "loops", "liveness", "parse-error").contains(action);
    }

    private static Result check(ParsedModule parsed) {
        List<LineError> errors = new ArrayList<>();
        for (CheckError e : IrChecker.check(parsed.module())) {
            Object where = e.inst() != null ? e.inst() : e.block() != null ? e.block() : e.function();
            errors.add(new LineError(parsed.lineOf(where), e.why()));
        }
        List<String> out = new ArrayList<>();
        for (Function f : parsed.module().functions()) {
            for (Block b : IrChecker.unreachableBlocks(f)) out.add("unreachable: @" + f.name() + " " + b);
        }
        return new Result(out, errors);
    }

    private interface PerFunction {
        void describe(Function f, List<String> out);
    }

    private static List<String> perFunction(Module m, PerFunction what) {
        List<String> out = new ArrayList<>();
        for (Function f : m.functions()) {
            out.add("@" + f.name() + ":");
            what.describe(f, out);
        }
        return out;
    }

    private static void cfg(Function f, List<String> out) {
        Cfg cfg = Cfg.of(f);
        out.add("rpo " + set(cfg.reversePostorder()));
        for (Block b : f.blocks()) {
            out.add(b + ": preds " + set(cfg.predecessors(b)) + " succs " + set(cfg.successors(b)) + (cfg.isReachable(b) ? "" : " unreachable"));
        }
    }

    private static void domtree(Function f, List<String> out) {
        DominatorTree dom = DominatorTree.of(f);
        for (Block b : f.blocks()) {
            if (!dom.cfg().isReachable(b)) {
                out.add(b + ": unreachable");
                continue;
            }
            Block idom = dom.idom(b);
            out.add(b + ": idom " + (idom == null ? "-" : idom.toString()) + " frontier " + set(dom.frontier(b)));
        }
    }

    private static void loops(Function f, List<String> out) {
        DominatorTree dom = DominatorTree.of(f);
        Loops loops = Loops.of(dom);
        for (Loops.Loop l : loops.loops()) {
            out.add("loop " + l.header() + ": depth " + l.depth() + " parent " + (l.parent() == null ? "-" : l.parent().header().toString())
                    + " latches " + set(l.latches()) + " blocks " + set(l.blocks()));
        }
        for (Block[] e : loops.irreducibleEdges()) out.add("irreducible edge " + e[0] + " -> " + e[1]);
    }

    private static void liveness(Function f, List<String> out) {
        Liveness live = Liveness.of(f);
        for (Block b : f.blocks()) out.add(b + ": in " + set(live.liveIn(b)) + " out " + set(live.liveOut(b)));
    }

    private static String set(List<?> items) {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        for (Object o : items) j.add(o instanceof Value v ? v.toString() : o.toString());
        return j.toString();
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
        while (!out.isEmpty() && out.getLast().isEmpty()) out.removeLast();
        return out;
    }
}

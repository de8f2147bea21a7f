package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// The line loop both assembler syntaxes share: strip what the syntax calls comments, take any
/// `label:` prefixes, hand the rest to the syntax's statement parser, and turn every failure into
/// one [AssemblerException] naming the line.
final class LineAssembler {
    private static final Pattern LABEL = Pattern.compile("([A-Za-z_.][A-Za-z0-9_.$]*)\\s*:(.*)");

    /// Parses one statement (an instruction without labels) into the builder.
    @FunctionalInterface
    interface Statement {
        void parse(ProgramBuilder b, String code, int line);
    }

    /// One syntax: how to clean a raw line, how to parse a statement, and whether a jump to the
    /// name `exit` may mean the first `exit` instruction (the conformance assembler's rule).
    record Syntax(UnaryOperator<String> clean, Statement statement, boolean exitLabel) {
    }

    private LineAssembler() {
    }

    static Program assemble(Syntax syntax, String text, String origin, int firstLine, boolean checkTargets) {
        ProgramBuilder b = new ProgramBuilder(origin);
        List<String> lines = text.lines().toList();
        boolean any = false;
        for (int i = 0; i < lines.size(); i++) {
            int line = firstLine + i;
            String code = syntax.clean().apply(lines.get(i));
            try {
                Matcher m;
                while (!code.isEmpty() && (m = LABEL.matcher(code)).matches()) {
                    b.label(m.group(1), line);
                    code = m.group(2).strip();
                }
                if (code.isEmpty()) continue;
                syntax.statement().parse(b, code, line);
                any = true;
            } catch (SyntaxError e) {
                throw b.error(line, e.getMessage());
            } catch (AssemblerException e) {
                throw e;
            } catch (RuntimeException e) {
                // Model constructors reject impossible combinations with IllegalArgumentException.
                throw b.error(line, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        if (!any) throw b.error(firstLine + Math.max(0, lines.size() - 1), "no instructions");
        return b.build(syntax.exitLabel(), checkTargets);
    }

    /// One instruction out of context: branch offsets are taken as they are and must be numeric.
    static Insn parseInsn(Syntax syntax, String text) {
        Program p;
        try {
            p = assemble(syntax, text, null, 1, false);
        } catch (AssemblerException e) {
            throw new AssemblerException(null, 1, e.reason());
        }
        if (p.size() != 1) throw new AssemblerException(null, 1, "expected one instruction, found " + p.size());
        return p.get(0);
    }
}

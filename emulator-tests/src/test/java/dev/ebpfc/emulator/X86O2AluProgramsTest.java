package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.emulator.diff.DifferentialRunner;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Random programs made for the x86_64 -O2 subset, against the interpreter. Conformance programs
/// mostly fold to a constant, so they barely reach the register allocator; these do not: every
/// register starts from r2 (the input length, unknown at compile time), then 20–60 random 32/64-bit
/// ALU operations (register and immediate forms, shifts included) interleaved with forward
/// conditional jumps, so values are live across blocks (block parameters, edge moves, spills),
/// and r0 finally folds in every register. Each must compile at -O2 and leave the interpreter's
/// whole state.
class X86O2AluProgramsTest {
    private static final String[] OPS = {"add", "sub", "mul", "and", "or", "xor", "lsh", "rsh", "arsh", "mov"};
    private static final String[] JUMPS = {"jeq", "jne", "jgt", "jge", "jlt", "jle", "jsgt", "jsge", "jslt", "jsle", "jset"};

    static String program(Random rnd) {
        List<String> lines = new ArrayList<>();
        for (int r = 0; r <= 9; r++) {
            if (r == 2) continue;
            lines.add("mov %r" + r + ", %r2");
            lines.add("mul %r" + r + ", " + (rnd.nextInt(2000) - 1000));
            lines.add("xor %r" + r + ", " + rnd.nextInt());
        }
        int n = 20 + rnd.nextInt(41);
        List<String> body = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int dst = rnd.nextInt(10);
            if (rnd.nextInt(6) == 0) {
                String j = JUMPS[rnd.nextInt(JUMPS.length)] + (rnd.nextBoolean() ? "32" : "");
                String b = rnd.nextBoolean() ? "%r" + rnd.nextInt(10) : String.valueOf(rnd.nextInt(64) - 32);
                body.add(j + " %r" + dst + ", " + b + ", +" + (1 + rnd.nextInt(4)));
                continue;
            }
            String op = OPS[rnd.nextInt(OPS.length)] + (rnd.nextBoolean() ? "32" : "");
            boolean shift = op.contains("sh");
            String src = rnd.nextBoolean() ? "%r" + rnd.nextInt(10)
                    : String.valueOf(shift ? rnd.nextInt(32) : rnd.nextInt(5) == 0 ? rnd.nextInt() : rnd.nextInt(200) - 100);
            body.add(op + " %r" + dst + ", " + src);
        }
        // A jump may land up to four instructions past the body: pad with harmless moves.
        for (int i = 0; i < 4; i++) body.add("add %r" + rnd.nextInt(10) + ", " + i);
        lines.addAll(body);
        for (int r = 1; r <= 9; r++) {
            lines.add((r % 2 == 0 ? "xor" : "add") + " %r0, %r" + r);
            lines.add("lsh %r0, 3");
        }
        lines.add("exit");
        return String.join("\n", lines) + "\n";
    }

    @Test
    void randomAluProgramsAgreeWithTheInterpreter() {
        DifferentialRunner runner = new DifferentialRunner(List.of(new InterpreterEngine(), EmulatedEngine.x86_64O2()));
        Random rnd = new Random(0x02_86);
        List<String> failures = new ArrayList<>();
        int o2 = 0;
        int programs = 2000;
        long bytesO0 = 0;
        long bytesO2 = 0;
        int withSpills = 0;
        for (int i = 0; i < programs; i++) {
            String text = program(rnd);
            Program p = Assembler.assemble(text);
            ProgramDef def = ProgramDef.of("alu" + i, p);
            String why = X86Target.o2Rejection(def);
            if (why == null) {
                o2++;
                dev.ebpfc.backend.CompiledProgram code = X86Target.compileO2(def);
                bytesO2 += code.code().length;
                if (code.listing().contains("(%r12)")) withSpills++;
                bytesO0 += new X86Target().compile(def, CompileOptions.O0).code().length;
            }
            else if (failures.size() < 3) failures.add("program " + i + " not at -O2: " + why + "\n" + text);
            byte[] mem = new byte[rnd.nextInt(4096)];
            DifferentialRunner.Outcome o = runner.run(p, mem);
            if (!o.agreed() && failures.size() < 8) failures.add("program " + i + ": " + o.divergences() + "\n" + text);
        }
        System.out.println("X86O2AluProgramsTest: " + o2 + " of " + programs + " at -O2; code " + bytesO0 + " bytes at -O0, "
                + bytesO2 + " at -O2; " + withSpills + " with spill slots");
        assertEquals("", String.join("\n", failures));
        assertTrue(o2 == programs);
        assertTrue(withSpills > 0, "no program reached the spill path");
    }
}

package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Width;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/// [ProgramEdit] keeps branches, calls and function addresses on the instruction they named.
class ShrinkProgramEditTest {
    private static Program asm(String s) {
        return Assembler.assemble(s);
    }

    @Test
    void removalRetargetsJumpsAcrossIt() {
        Program p = asm("""
                mov %r0, 0
                jeq %r0, 0, +2
                mov %r0, 1
                mov %r0, 2
                exit
                """);
        assertEquals(asm("""
                mov %r0, 0
                jeq %r0, 0, +1
                mov %r0, 2
                exit
                """), ProgramEdit.remove(p, 2, 3));
        // Removing the target itself lands the jump on what follows it.
        assertEquals(asm("""
                mov %r0, 0
                jeq %r0, 0, +1
                mov %r0, 1
                exit
                """), ProgramEdit.remove(p, 3, 4));
    }

    @Test
    void backwardJumpsAndLddwSlots() {
        Program p = asm("""
                lddw %r1, 0x100000000
                mov %r0, 0
                add %r0, 1
                lddw %r2, 0x200000000
                jlt %r0, 3, -4
                exit
                """);
        assertEquals(asm("""
                lddw %r1, 0x100000000
                mov %r0, 0
                add %r0, 1
                jlt %r0, 3, -2
                exit
                """), ProgramEdit.remove(p, 3, 4));
        // Replacing a two-slot lddw by a one-slot mov moves later targets.
        Program q = ProgramEdit.replace(p, 3, new Insn.Alu(Width.W64, AluOp.MOV, Reg.R2, new Imm(2)));
        assertEquals(asm("""
                lddw %r1, 0x100000000
                mov %r0, 0
                add %r0, 1
                mov %r2, 2
                jlt %r0, 3, -3
                exit
                """), q);
    }

    @Test
    void callsAndFunctionAddressesFollowTheirFunction() {
        Program p = asm("""
                call local +3
                lddw %r2, func 3
                call %r2
                exit
                mov %r0, 1
                mov %r0, 2
                exit
                """);
        assertEquals(asm("""
                call local +2
                lddw %r2, func 2
                exit
                mov %r0, 1
                mov %r0, 2
                exit
                """), ProgramEdit.remove(p, 2, 3));
    }

    @Test
    void aTargetPastTheEndIsRefused() {
        Program p = asm("""
                ja +1
                exit
                exit
                """);
        assertNull(ProgramEdit.remove(p, 2, 3));
    }
}

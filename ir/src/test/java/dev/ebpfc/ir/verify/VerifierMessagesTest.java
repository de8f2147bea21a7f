package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// One small program per rejection message, each asserting the exact first message (and, where
/// a one-line change makes the program valid, that the fixed program is accepted). The programs
/// are in the conformance assembler syntax; `t` is the program's name, so messages read
/// `t slot N: …` (no line info without BTF).
class VerifierMessagesTest {
    private static final MapDef HASH = MapDef.map("counts", MapType.HASH, 4, 8, 16, 0);
    private static final MapDef PROGS = MapDef.map("progs", MapType.PROG_ARRAY, 4, 4, 4, 0);
    private static final MapDef RODATA = MapDef.globalData(".rodata", new byte[8], true);
    private static final MapDef RINGBUF = MapDef.map("events", MapType.RINGBUF, 0, 0, 4096, 0);

    private static VerifierResult run(String asm, ContextKind ctx, Mode mode, MapDef... maps) {
        ProgramDef def = ProgramDef.of("t", Assembler.assemble(asm));
        return Verifier.verify(def, List.of(maps), ctx, HelperProfile.LINUX, mode);
    }

    private static String rejected(String asm, ContextKind ctx, MapDef... maps) {
        return rejected(asm, ctx, Mode.STRICT, maps);
    }

    private static String rejected(String asm, ContextKind ctx, Mode mode, MapDef... maps) {
        VerifierResult r = run(asm, ctx, mode, maps);
        assertFalse(r.accepted(), "accepted:\n" + asm);
        return r.messages().getFirst().toString();
    }

    private static void accepted(String asm, ContextKind ctx, MapDef... maps) {
        VerifierResult r = run(asm, ctx, Mode.STRICT, maps);
        assertTrue(r.accepted(), r.summary());
    }

    private static final ContextKind XDP = ContextKind.XDP;

    /// `data` in r2, `data_end` in r3.
    private static final String PKT = "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\n";

    // ---- stack ----------------------------------------------------------------------------------

    @Test
    void uninitialisedStackRead() {
        assertEquals("t slot 0: invalid read from stack R10 off=-8 size=8: byte -8 is not initialised",
                rejected("ldxdw %r0, [%r10-8]\nexit", XDP));
        accepted("stdw [%r10-8], 0\nldxdw %r0, [%r10-8]\nexit", XDP);
    }

    @Test
    void partlyInitialisedStackRead() {
        assertEquals("t slot 1: invalid read from stack R10 off=-8 size=8: byte -4 is not initialised",
                rejected("stw [%r10-8], 0\nldxdw %r0, [%r10-8]\nexit", XDP));
    }

    @Test
    void stackOutOfBounds() {
        assertEquals("t slot 0: invalid access to stack R10 off=-520 size=8 (the frame is 512 bytes)",
                rejected("stdw [%r10-520], 1\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void stackAboveFramePointer() {
        assertEquals("t slot 0: invalid access to stack R10 off=0 size=4 (the frame is 512 bytes)",
                rejected("stw [%r10+0], 1\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void variableOffsetStackRead() {
        // r2 = fp - 16 + (ingress_ifindex & 8): either slot, and only one is written.
        assertEquals("t slot 6: invalid read from stack R2 off=[-16,-8] size=8: byte -8 is not initialised",
                rejected("stdw [%r10-16], 1\nldxw %r3, [%r1+12]\nand %r3, 8\nmov %r2, %r10\nadd %r2, -16\nadd %r2, %r3\nldxdw %r0, [%r2+0]\nexit", XDP));
    }

    @Test
    void partialFillOfSpilledPointer() {
        assertEquals("t slot 1: invalid size of register fill: R10 reads 4 bytes of a spilled pointer at off=-8",
                rejected("stxdw [%r10-8], %r1\nldxw %r0, [%r10-8]\nexit", XDP));
    }

    // ---- context --------------------------------------------------------------------------------

    @Test
    void contextOutOfBounds() {
        assertEquals("t slot 0: invalid bpf_context access off=24 size=4: outside xdp_md (24 bytes)",
                rejected("ldxw %r0, [%r1+24]\nexit", XDP));
    }

    @Test
    void contextPointerFieldWrongSize() {
        assertEquals("t slot 0: invalid bpf_context access off=0 size=2: wrong size for xdp_md.data (a pointer field is read with 4-byte loads)",
                rejected("ldxh %r0, [%r1+0]\nexit", XDP));
    }

    @Test
    void contextMisaligned() {
        assertEquals("t slot 0: invalid bpf_context access off=13 size=2: misaligned access to xdp_md.ingress_ifindex",
                rejected("ldxh %r0, [%r1+13]\nexit", XDP));
        accepted("ldxh %r0, [%r1+14]\nexit", XDP);
    }

    @Test
    void contextWriteToReadOnlyField() {
        assertEquals("t slot 0: invalid bpf_context access off=12 size=4: xdp_md.ingress_ifindex is read-only",
                rejected("stw [%r1+12], 0\nmov %r0, 0\nexit", XDP));
        assertEquals("t slot 0: invalid bpf_context access off=8 size=4: __sk_buff.mark is read-only",
                rejected("stw [%r1+8], 0\nmov %r0, 0\nexit", ContextKind.SOCKET_FILTER));
        accepted("stw [%r1+8], 0\nmov %r0, 0\nexit", ContextKind.TC);
    }

    @Test
    void variableContextAccess() {
        assertEquals("t slot 4: R2 variable ctx access off=[12,16] prohibited",
                rejected("ldxw %r3, [%r1+12]\nand %r3, 4\nmov %r2, %r1\nadd %r2, %r3\nldxw %r0, [%r2+12]\nexit", XDP));
    }

    // ---- packet ---------------------------------------------------------------------------------

    @Test
    void packetAccessBeyondTheCheckedRange() {
        String asm = PKT + "mov %r4, %r2\nadd %r4, 14\njgt %r4, %r3, out\nldxh %r0, [%r2+14]\nexit\nout:\nmov %r0, 1\nexit";
        assertEquals("t slot 5: invalid access to packet, off=14 size=2, R2 range=14", rejected(asm, XDP));
        accepted(asm.replace("[%r2+14]", "[%r2+12]"), XDP);
    }

    @Test
    void packetAccessWithoutCheck() {
        assertEquals("t slot 2: invalid access to packet, off=0 size=1, R2 range=0",
                rejected(PKT + "ldxb %r0, [%r2+0]\nexit", XDP));
    }

    @Test
    void packetAccessThroughVariableOffset() {
        // r4 = data + (ihl & 15) * 4, checked for 8 bytes, read at 8.
        String asm = PKT + "mov %r5, %r2\nadd %r5, 1\njgt %r5, %r3, out\nldxb %r4, [%r2+0]\nand %r4, 15\nlsh %r4, 2\nadd %r4, %r2\n"
                + "mov %r5, %r4\nadd %r5, 8\njgt %r5, %r3, out\nldxw %r0, [%r4+8]\nexit\nout:\nmov %r0, 1\nexit";
        assertEquals("t slot 12: invalid access to packet, off=8 size=4, R4 range=8", rejected(asm, XDP));
        accepted(asm.replace("[%r4+8]", "[%r4+4]"), XDP);
    }

    @Test
    void packetWriteInSocketFilter() {
        String asm = "ldxw %r2, [%r1+76]\nldxw %r3, [%r1+80]\nmov %r4, %r2\nadd %r4, 1\njgt %r4, %r3, out\nstb [%r2+0], 1\nout:\nmov %r0, 0\nexit";
        assertEquals("t slot 5: cannot write into packet: socket filters may only read it", rejected(asm, ContextKind.SOCKET_FILTER));
        accepted(asm, ContextKind.TC);
    }

    @Test
    void atomicOnPacket() {
        String asm = PKT + "mov %r4, %r2\nadd %r4, 8\njgt %r4, %r3, out\nmov %r5, 1\nlock add [%r2+0], %r5\nout:\nmov %r0, 0\nexit";
        assertEquals("t slot 6: BPF_ATOMIC stores into R2 pkt is not allowed", rejected(asm, XDP));
    }

    @Test
    void pointerArithmeticOnPacketEnd() {
        assertEquals("t slot 2: R3 pointer arithmetic on pkt_end prohibited",
                rejected(PKT + "add %r3, 1\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void packetPointerInvalidatedByAdjustHead() {
        String asm = PKT + "mov %r6, %r2\nmov %r4, %r2\nadd %r4, 1\njgt %r4, %r3, out\nmov %r2, 0\ncall 44\nldxb %r0, [%r6+0]\nexit\nout:\nmov %r0, 1\nexit";
        assertEquals("t slot 8: R6 invalid mem access 'scalar'", rejected(asm, XDP));
    }

    @Test
    void legacyPacketLoadInXdp() {
        assertEquals("t slot 1: BPF_LD_[ABS|IND] instructions are not allowed for this program type (xdp)",
                rejected("mov %r6, %r1\nldabsw 12\nexit", XDP));
        accepted("mov %r6, %r1\nldabsw 12\nexit", ContextKind.SOCKET_FILTER);
    }

    // ---- maps and global data -------------------------------------------------------------------

    /// Looks up key 0 of map 0; r0 is the result.
    private static final String LOOKUP = "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_idx 0\ncall 1\n";

    @Test
    void mapValueWithoutNullCheck() {
        assertEquals("t slot 6: R0 invalid mem access 'map_value_or_null': check the pointer against NULL first",
                rejected(LOOKUP + "ldxdw %r0, [%r0+0]\nexit", XDP, HASH));
        accepted(LOOKUP + "jeq %r0, 0, out\nldxdw %r0, [%r0+0]\nout:\nexit", XDP, HASH);
    }

    @Test
    void mapValueOutOfBounds() {
        assertEquals("t slot 7: invalid access to map value of counts, value_size=8 off=8 size=4",
                rejected(LOOKUP + "jeq %r0, 0, out\nldxw %r0, [%r0+8]\nout:\nexit", XDP, HASH));
    }

    @Test
    void pointerArithmeticOnNullableMapValue() {
        assertEquals("t slot 6: R0 pointer arithmetic on map_value_or_null prohibited, null-check it first",
                rejected(LOOKUP + "add %r0, 4\nexit", XDP, HASH));
    }

    @Test
    void unboundedOffsetIntoMapValue() {
        assertEquals("t slot 8: R0 math between map_value pointer and register with unbounded max value is not allowed (R1=scalar(umin=0,umax=4294967295,smin=0,smax=4294967295))",
                rejected(LOOKUP + "jeq %r0, 0, out\nldxw %r1, [%r0+0]\nadd %r0, %r1\nldxb %r0, [%r0+0]\nout:\nexit", XDP, HASH));
    }

    @Test
    void pointerStoredIntoMapValue() {
        assertEquals("t slot 7: R10 leaks addr into map value",
                rejected(LOOKUP + "jeq %r0, 0, out\nstxdw [%r0+0], %r10\nout:\nmov %r0, 0\nexit", XDP, HASH));
    }

    @Test
    void writeToRodata() {
        assertEquals("t slot 2: write into read-only .rodata forbidden, value_size=8 off=0 size=4",
                rejected("lddw %r1, map_idx_value 0, 0\nstw [%r1+0], 1\nmov %r0, 0\nexit", XDP, RODATA));
        accepted("lddw %r1, map_idx_value 0, 0\nldxw %r0, [%r1+4]\nexit", XDP, RODATA);
    }

    @Test
    void globalDataOutOfBounds() {
        assertEquals("t slot 2: invalid access to global data .rodata, value_size=8 off=6 size=4",
                rejected("lddw %r1, map_idx_value 0, 6\nldxw %r0, [%r1+0]\nexit", XDP, RODATA));
    }

    // ---- pointers -------------------------------------------------------------------------------

    @Test
    void scalarDereference() {
        assertEquals("t slot 1: R2 invalid mem access 'scalar'", rejected("mov %r2, 0\nldxw %r0, [%r2+0]\nexit", XDP));
    }

    @Test
    void pointerPlusPointer() {
        assertEquals("t slot 2: R2 pointer += pointer prohibited", rejected(PKT + "add %r2, %r3\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void pointerTimesConstant() {
        assertEquals("t slot 1: R2 pointer arithmetic with mul operator prohibited (fp)",
                rejected("mov %r2, %r10\nmul %r2, 2\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void bitwiseOperationOnPointer() {
        assertEquals("t slot 1: R2 bitwise operator and on pointer prohibited (ctx)",
                rejected("mov %r2, %r1\nand %r2, 7\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void unboundedPointerArithmetic() {
        assertEquals("t slot 2: R2 math between fp pointer and register with unbounded max value is not allowed (R3=scalar(umin=0,umax=4294967295,smin=0,smax=4294967295))",
                rejected("ldxw %r3, [%r1+12]\nmov %r2, %r10\nadd %r2, %r3\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void pointerReturned() {
        assertEquals("t slot 1: R0 leaks addr as return value (ctx)", rejected("mov %r0, %r1\nexit", XDP));
    }

    @Test
    void pointersOfDifferentKindsCompared() {
        assertEquals("t slot 0: R1 comparison of pointers of different kinds (ctx and fp) prohibited",
                rejected("jeq %r1, %r10, out\nout:\nmov %r0, 0\nexit", XDP));
    }

    // ---- helpers --------------------------------------------------------------------------------

    @Test
    void unknownHelper() {
        assertEquals("t slot 0: invalid func unknown#200", rejected("call 200\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void helperArgumentOfWrongType() {
        assertEquals("t slot 2: R1 type=fp expected=map_ptr",
                rejected("mov %r1, %r10\nmov %r2, %r10\ncall 1\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void uninitialisedMapKey() {
        assertEquals("t slot 4: invalid indirect read from stack R2 off=-4 size=4: byte -4 is not initialised",
                rejected("mov %r2, %r10\nadd %r2, -4\nlddw %r1, map_idx 0\ncall 1\nmov %r0, 0\nexit", XDP, HASH));
    }

    @Test
    void mapOfWrongType() {
        assertEquals("t slot 3: cannot pass map_type 1 (hash counts) into func bpf_tail_call#12",
                rejected("lddw %r2, map_idx 0\nmov %r3, 0\ncall 12\nmov %r0, 0\nexit", XDP, HASH));
        accepted("lddw %r2, map_idx 0\nmov %r3, 0\ncall 12\nmov %r0, 0\nexit", XDP, PROGS);
    }

    @Test
    void helperMemoryOfUnknownSize() {
        // probe_read(fp - 16, size from a packet byte (0..255), src): may write past the frame.
        assertEquals("t slot 5: invalid indirect access to stack R1 off=-16 size=255 (the frame is 512 bytes)",
                rejected("ldxw %r2, [%r1+12]\nand %r2, 255\nmov %r1, %r10\nadd %r1, -16\nmov %r3, 0\ncall 4\nmov %r0, 0\nexit", XDP));
        accepted("mov %r2, 8\nmov %r1, %r10\nadd %r1, -16\nmov %r3, 0\ncall 4\nldxdw %r0, [%r10-16]\nexit", XDP);
    }

    @Test
    void helperSizeUnbounded() {
        assertEquals("t slot 4: R2 unbounded memory access, use 'var &= const' or 'if (var < const)'",
                rejected("ldxw %r2, [%r1+12]\nmov %r1, %r10\nadd %r1, -16\nmov %r3, 0\ncall 4\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void helperZeroSizedRead() {
        assertEquals("t slot 4: R2 invalid zero-sized read: the size may be 0",
                rejected("stdw [%r10-8], 0\nmov %r1, %r10\nadd %r1, -8\nmov %r2, 0\ncall 6\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void ringbufRecordNotChecked() {
        assertEquals("t slot 7: R1 type=ringbuf_mem_or_null expected=ringbuf_mem (the unmodified, null-checked result of bpf_ringbuf_reserve)",
                rejected("lddw %r1, map_idx 0\nmov %r2, 8\nmov %r3, 0\ncall 131\nmov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r0, 0\nexit", XDP, RINGBUF));
    }

    // ---- control flow ---------------------------------------------------------------------------

    @Test
    void loopWithoutProvableBound() {
        assertEquals("t slot 2: back-edge from slot 2 to slot 1: cannot prove the loop terminates (no counter or pointer moves by a constant on every iteration within bounds the loop tests)",
                rejected("mov %r0, 0\nloop:\nldxw %r2, [%r1+12]\njne %r2, 0, loop\nexit", XDP));
    }

    @Test
    void countedLoopIsAccepted() {
        accepted("mov %r0, 0\nmov %r2, 0\nloop:\nadd %r0, %r2\nadd %r2, 1\njlt %r2, 100, loop\nexit", XDP);
        accepted("mov %r0, 0\nmov %r2, 0\nloop:\nadd %r0, 3\nadd %r2, 2\njne %r2, 100, loop\nexit", XDP);
    }

    @Test
    void loopStepMissingTheBound() {
        // Steps of 3 from 0 never meet 100 exactly: counts until the 32-bit wrap.
        assertTrue(rejected("mov %r0, 0\nmov %r2, 0\nloop:\nadd %r2, 3\njne %r2, 100, loop\nexit", XDP).contains("cannot prove the loop terminates"));
    }

    @Test
    void callStackTooDeep() {
        StringBuilder asm = new StringBuilder();
        for (int i = 0; i < 9; i++) asm.append("call local f").append(i).append("\nexit\n").append("f").append(i).append(":\n");
        asm.append("mov %r0, 0\nexit");
        assertEquals("fn_14 slot 14: the call stack of 9 frames is too deep (calling fn_16; at most 8)", rejected(asm.toString(), XDP));
    }

    @Test
    void stackPointerReturnedFromCallee() {
        assertEquals("fn_3 slot 4: R0 returns a pointer to the stack of fn_3, which ends with the return",
                rejected("call local f\nmov %r0, 0\nexit\nf:\nmov %r0, %r10\nexit", XDP));
    }

    @Test
    void indirectCall() {
        assertEquals("t slot 1: indirect calls (callx R2) are not allowed", rejected("mov %r2, 0\ncall %r2\nmov %r0, 0\nexit", XDP));
    }

    @Test
    void uninitialisedRegister() {
        assertEquals("t slot 0: reads r3, which is not set on every path here (mov %r0, %r3)", rejected("mov %r0, %r3\nexit", XDP));
    }

    // ---- raw memory (trusted and strict) --------------------------------------------------------

    @Test
    void rawMemoryInStrictMode() {
        assertEquals("t slot 0: invalid access to mem, off=0 size=4, length at least 0", rejected("ldxw %r0, [%r1+0]\nexit", ContextKind.RAW));
        accepted("jlt %r2, 4, out\nldxw %r0, [%r1+0]\nexit\nout:\nmov %r0, 0\nexit", ContextKind.RAW);
    }

    @Test
    void rawMemoryInTrustedMode() {
        VerifierResult ok = run("ldxw %r0, [%r1+0]\nexit", ContextKind.RAW, Mode.TRUSTED);
        assertTrue(ok.accepted(), ok.summary());
        assertEquals("t slot 0: invalid access to mem, off=-4 size=4: before the start of mem",
                rejected("ldxw %r0, [%r1-4]\nexit", ContextKind.RAW, Mode.TRUSTED));
    }
}

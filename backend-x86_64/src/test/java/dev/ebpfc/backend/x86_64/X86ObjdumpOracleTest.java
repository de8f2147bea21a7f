package dev.ebpfc.backend.x86_64;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// GNU objdump as an independent oracle: thousands of seeded random instructions of every form
/// are encoded into one buffer, objdump disassembles it, and every instruction must start where
/// we put it and print exactly as [X86Printer] prints it.
class X86ObjdumpOracleTest {
    private static final long SEED = 0x5eed_0086L;
    private static final int COUNT = 6000;
    private static final X86Reg[] REGS = X86Reg.values();
    private static final int[] INTERESTING = {0, 1, -1, 2, 127, 128, -128, -129, 255, 256, 0x7fff, 0x8000, -0x8000,
        0xffff, 0x10000, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x12345678, -0x12345678};

    @Test
    void objdumpAgreesWithPrinter() throws Exception {
        Random rnd = new Random(SEED);
        X86Encoder enc = new X86Encoder();
        Map<Integer, X86Insn> at = new HashMap<>();
        for (int i = 0; i < COUNT; i++) {
            int pos = enc.position();
            X86Insn insn = random(rnd, pos);
            enc.emit(insn);
            at.put(pos, insn);
        }
        Map<Integer, String> dis = objdump(enc.toByteArray());
        List<String> mismatches = new ArrayList<>();
        for (var e : at.entrySet()) {
            String ours = normalize(X86Printer.print(e.getValue(), e.getKey()));
            String theirs = dis.get(e.getKey());
            if (!ours.equals(theirs)) mismatches.add(String.format("at 0x%x %s: objdump '%s', ours '%s'", e.getKey(), e.getValue(), theirs, ours));
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, first: " + String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))));
        assertEquals(COUNT, at.size());
    }

    /// Compares every instruction line of `c`'s listing with objdump's text at its offset, adding
    /// a line per mismatch to `mismatches`; returns the number of instruction lines.
    static int listingMismatches(String name, dev.ebpfc.backend.CompiledProgram c, List<String> mismatches) throws IOException, InterruptedException {
        Map<Integer, String> dis = objdump(java.util.Arrays.copyOf(c.code(), c.codeSize()));
        int lines = 0;
        for (String line : c.listing().split("\n")) {
            if (line.startsWith(";") || line.contains("pool[") || line.isBlank()) continue;
            int colon = line.indexOf(':');
            int offset = Integer.parseInt(line.substring(0, colon).trim(), 16);
            String rest = line.substring(colon + 1).trim();
            String text = normalize(rest.substring(rest.indexOf(' ') + 1));
            lines++;
            if (!text.equals(dis.get(offset))) mismatches.add(name + " at 0x" + Integer.toHexString(offset) + ": listing '" + text + "', objdump '" + dis.get(offset) + "'");
        }
        return lines;
    }

    static String normalize(String s) {
        return s.trim().replaceAll("\\s+", " ");
    }

    /// offset -> instruction text, from `objdump -D -b binary -m i386:x86-64`.
    static Map<Integer, String> objdump(byte[] code) throws IOException, InterruptedException {
        Path bin = Files.createTempFile("ebpfc-x86", ".bin");
        try {
            Files.write(bin, code);
            Process p;
            try {
                p = new ProcessBuilder("objdump", "-D", "-b", "binary", "-m", "i386:x86-64", bin.toString())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                fail("objdump not found: apt-get install binutils");
                throw e;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "objdump timed out");
            assertEquals(0, p.exitValue(), out);
            Map<Integer, String> map = new HashMap<>();
            for (String line : out.split("\n")) {
                String[] parts = line.split("\t");
                if (parts.length < 3 || !parts[0].trim().endsWith(":")) continue;
                String addr = parts[0].trim();
                map.put(Integer.parseInt(addr.substring(0, addr.length() - 1), 16), normalize(parts[2]));
            }
            return map;
        } finally {
            Files.deleteIfExists(bin);
        }
    }

    private static X86Reg reg(Random r) {
        return REGS[r.nextInt(REGS.length)];
    }

    private static int imm(Random r) {
        return r.nextInt(3) == 0 ? r.nextInt() : INTERESTING[r.nextInt(INTERESTING.length)];
    }

    private static OpSize size(Random r) {
        return OpSize.values()[r.nextInt(4)];
    }

    private static OpSize wideSize(Random r) {
        return OpSize.values()[1 + r.nextInt(3)];
    }

    private static X86Mem mem(Random r) {
        int disp = switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> r.nextInt(256) - 128;
            case 2 -> INTERESTING[r.nextInt(INTERESTING.length)];
            default -> r.nextInt();
        };
        return new X86Mem(reg(r), disp);
    }

    /// Fits an immediate to the operand size, as the lowering will (byte and word forms take imm8/imm16).
    private static int sized(int v, OpSize s) {
        return switch (s) {
            case B -> (byte) v;
            case W -> (short) v;
            default -> v;
        };
    }

    static X86Insn random(Random r, int pos) {
        X86Insn.Extend[] ext = X86Insn.Extend.values();
        X86Insn.AluOp[] lockable = {X86Insn.AluOp.ADD, X86Insn.AluOp.OR, X86Insn.AluOp.AND, X86Insn.AluOp.XOR};
        X86Cond cond = X86Cond.values()[r.nextInt(16)];
        OpSize s = size(r);
        return switch (r.nextInt(35)) {
            case 33 -> new X86Insn.AluRM(X86Insn.AluOp.values()[r.nextInt(8)], s, reg(r), mem(r));
            case 34 -> new X86Insn.AluMI(X86Insn.AluOp.values()[r.nextInt(8)], s, mem(r), sized(imm(r), s));
            case 0 -> new X86Insn.AluRR(X86Insn.AluOp.values()[r.nextInt(8)], s, reg(r), reg(r));
            case 1 -> new X86Insn.AluRI(X86Insn.AluOp.values()[r.nextInt(8)], s, reg(r), sized(imm(r), s));
            case 2 -> new X86Insn.TestRR(s, reg(r), reg(r));
            case 3 -> new X86Insn.TestRI(s, reg(r), sized(imm(r), s));
            case 4 -> new X86Insn.MovRR(s, reg(r), reg(r));
            case 5 -> new X86Insn.MovRI(s, reg(r), s == OpSize.Q
                    ? switch (r.nextInt(3)) { case 0 -> r.nextLong(); case 1 -> imm(r); default -> imm(r) & 0xffffffffL; }
                    : sized(imm(r), s));
            case 6 -> new X86Insn.Load(ext[r.nextInt(ext.length)], reg(r), mem(r));
            case 7 -> {
                X86Insn.Extend k = ext[r.nextInt(ext.length)];
                yield k == X86Insn.Extend.MOVL || k == X86Insn.Extend.MOVQ
                        ? new X86Insn.MovRR(k.to, reg(r), reg(r)) : new X86Insn.ExtendRR(k, reg(r), reg(r));
            }
            case 8 -> new X86Insn.Store(s, mem(r), reg(r));
            case 9 -> new X86Insn.StoreImm(s, mem(r), sized(imm(r), s));
            case 10 -> new X86Insn.ShiftRI(X86Insn.ShiftOp.values()[r.nextInt(5)], s, reg(r), r.nextInt(64));
            case 11 -> new X86Insn.ShiftRCl(X86Insn.ShiftOp.values()[r.nextInt(5)], s, reg(r));
            case 12 -> new X86Insn.Unary(X86Insn.UnaryOp.values()[r.nextInt(6)], s, reg(r));
            case 13 -> new X86Insn.ImulRR(wideSize(r), reg(r), reg(r));
            case 14 -> {
                OpSize w = wideSize(r);
                yield new X86Insn.ImulRRI(w, reg(r), reg(r), sized(imm(r), w));
            }
            case 15 -> new X86Insn.SignExtendAccumulator(wideSize(r));
            case 16 -> new X86Insn.Bswap(r.nextBoolean() ? OpSize.L : OpSize.Q, reg(r));
            case 17 -> new X86Insn.LockAlu(lockable[r.nextInt(4)], s, mem(r), reg(r));
            case 18 -> new X86Insn.LockXadd(s, mem(r), reg(r));
            case 19 -> new X86Insn.Xchg(s, mem(r), reg(r));
            case 20 -> new X86Insn.LockCmpxchg(s, mem(r), reg(r));
            case 21 -> new X86Insn.Lea(reg(r), mem(r));
            case 22 -> new X86Insn.Jmp(Math.max(0, pos + 2 + r.nextInt(256) - 128), false);
            case 23 -> new X86Insn.Jmp(pos + 5 + r.nextInt(1 << 20), true);
            case 24 -> new X86Insn.Jcc(cond, Math.max(0, pos + 2 + r.nextInt(256) - 128), false);
            case 25 -> new X86Insn.Jcc(cond, Math.max(0, pos + 6 + r.nextInt(1 << 20) - (1 << 19)), true);
            case 26 -> new X86Insn.Call(r.nextInt(1 << 24));
            case 27 -> new X86Insn.CallR(reg(r));
            case 28 -> r.nextBoolean() ? new X86Insn.Push(reg(r)) : new X86Insn.Pop(reg(r));
            case 29 -> new X86Insn.Setcc(cond, reg(r));
            case 30 -> new X86Insn.LoadRip(reg(r), Math.max(0, pos + r.nextInt(1 << 16) - (1 << 15)));
            case 31 -> new X86Insn.CallRip(Math.max(0, pos + r.nextInt(1 << 16) - (1 << 15)));
            default -> new X86Insn.Cmov(cond, wideSize(r), reg(r), reg(r));
        };
    }
}

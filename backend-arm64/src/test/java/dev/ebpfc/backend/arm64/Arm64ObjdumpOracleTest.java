package dev.ebpfc.backend.arm64;

import dev.ebpfc.backend.arm64.Arm64Insn.*;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// GNU objdump as an independent oracle: thousands of seeded random instructions of every record
/// type (every register, register 31 in each role it may take, boundary immediates and offsets,
/// every condition), plus materialised constants, are encoded into one buffer; objdump
/// disassembles it and every word must print exactly as [Arm64Printer] prints it.
class Arm64ObjdumpOracleTest {
    static final String OBJDUMP = "aarch64-linux-gnu-objdump";
    private static final long SEED = 0x5eed_a64L;
    private static final int COUNT = 8000;
    private static final int KINDS = 32;
    /// Every mnemonic and alias the printer can produce, so a generator change cannot silently stop
    /// exercising one.
    private static final Set<String> EXPECTED_MNEMONICS = Set.of(
            "add", "adds", "sub", "subs", "cmp", "cmn", "neg", "negs", "mov", "mvn", "tst",
            "and", "ands", "orr", "orn", "eor", "eon", "bic", "bics", "movz", "movn", "movk",
            "lsl", "lsr", "asr", "ror", "sxtb", "sxth", "sxtw", "uxtb", "uxth", "ubfx", "sbfx", "ubfiz", "sbfiz",
            "bfi", "bfc", "bfxil", "udiv", "sdiv", "madd", "msub", "mul", "mneg", "rev", "rev16", "rev32",
            "csel", "csinc", "csinv", "csneg", "cset", "csetm", "cinc", "cinv", "cneg",
            "ldr", "str", "ldrb", "strb", "ldrh", "strh", "ldrsb", "ldrsh", "ldrsw",
            "ldur", "stur", "ldurb", "sturb", "ldurh", "sturh", "ldursb", "ldursh", "ldursw",
            "ldp", "stp", "ldpsw", "ldxr", "ldaxr", "stxr", "stlxr",
            "ldadd", "ldadda", "ldaddl", "ldaddal", "stadd", "staddl", "ldclr", "stclr", "ldeor", "steor",
            "ldset", "stset", "swp", "swpa", "swpl", "swpal", "cas", "casa", "casl", "casal", "dmb",
            "b", "bl", "cbz", "cbnz", "tbz", "tbnz", "br", "blr", "ret", "adr", "adrp", "nop", "brk", "svc",
            "b.eq", "b.ne", "b.cs", "b.cc", "b.mi", "b.pl", "b.vs", "b.vc", "b.hi", "b.ls", "b.ge", "b.lt",
            "b.gt", "b.le", "b.al", "b.nv");

    @Test
    void objdumpAgreesWithPrinter() throws Exception {
        Random rnd = new Random(SEED);
        Arm64Encoder enc = new Arm64Encoder();
        Map<Integer, Arm64Insn> at = new LinkedHashMap<>();
        Set<Class<?>> kinds = new HashSet<>();
        for (int i = 0; i < COUNT; i++) {
            int kind = i < KINDS ? i : rnd.nextInt(KINDS);
            for (Arm64Insn insn : random(rnd, kind, enc.position())) {
                at.put(enc.position(), insn);
                enc.emit(insn);
                kinds.add(insn.getClass());
            }
        }
        assertEquals(Arm64Insn.class.getPermittedSubclasses().length, kinds.size(), "every record type is generated");
        Map<Integer, String> dis = objdump(enc.toByteArray());
        List<String> mismatches = new ArrayList<>();
        for (var e : at.entrySet()) {
            String ours = normalize(Arm64Printer.print(e.getValue()));
            String theirs = dis.get(e.getKey());
            if (!ours.equals(theirs)) {
                mismatches.add(String.format("at 0x%x %s: objdump '%s', ours '%s'", e.getKey(), e.getValue(), theirs, ours));
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, first:\n"
                + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
        assertTrue(at.size() >= COUNT);
        Set<String> seen = new HashSet<>();
        for (String text : dis.values()) seen.add(text.split(" ")[0]);
        Set<String> missing = new HashSet<>(EXPECTED_MNEMONICS);
        missing.removeAll(seen);
        assertTrue(missing.isEmpty(), "aliases never generated: " + missing + "; seen " + seen);
    }

    static String normalize(String s) {
        return s.replaceAll("//.*$", "").trim().replaceAll("\\s+", " ");
    }

    /// offset -> instruction text, from `aarch64-linux-gnu-objdump -D -b binary -m aarch64`,
    /// without objdump's `// …` comments (decimal values, condition synonyms).
    static Map<Integer, String> objdump(byte[] code) throws IOException, InterruptedException {
        Path bin = Files.createTempFile("ebpfc-arm64", ".bin");
        try {
            Files.write(bin, code);
            Process p;
            try {
                p = new ProcessBuilder(OBJDUMP, "-D", "-b", "binary", "-m", "aarch64", bin.toString())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                fail(OBJDUMP + " not found: apt-get install binutils-aarch64-linux-gnu");
                throw e;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "objdump timed out");
            assertEquals(0, p.exitValue(), out);
            Map<Integer, String> map = new HashMap<>();
            for (String line : out.split("\n")) {
                String[] parts = line.split("\t", 3);
                if (parts.length < 3 || !parts[0].trim().endsWith(":")) continue;
                String addr = parts[0].trim();
                map.put(Integer.parseInt(addr.substring(0, addr.length() - 1), 16), normalize(parts[2]));
            }
            return map;
        } finally {
            Files.deleteIfExists(bin);
        }
    }

    // ---- generators --------------------------------------------------------------------------

    /// A register in which 31 means ZR: every general register, and ZR one time in six.
    static Arm64Reg regZ(Random r) {
        return r.nextInt(6) == 0 ? Arm64Reg.ZR : Arm64Reg.general(r.nextInt(31));
    }

    /// A register in which 31 means SP.
    static Arm64Reg regS(Random r) {
        return r.nextInt(6) == 0 ? Arm64Reg.SP : Arm64Reg.general(r.nextInt(31));
    }

    static OpSize size(Random r) {
        return r.nextBoolean() ? OpSize.X : OpSize.W;
    }

    static <E> E pick(Random r, E[] values) {
        return values[r.nextInt(values.length)];
    }

    /// An integer in [lo, hi], the two bounds and their neighbours being likely.
    static int bounded(Random r, int lo, int hi) {
        return switch (r.nextInt(6)) {
            case 0 -> lo;
            case 1 -> hi;
            case 2 -> Math.min(hi, lo + 1);
            case 3 -> Math.max(lo, hi - 1);
            default -> lo + r.nextInt(hi - lo + 1);
        };
    }

    /// A random encodable logical immediate at the given width (from a random valid N:immr:imms).
    static long logicalImm(Random r, OpSize z) {
        while (true) {
            var v = LogicalImmediate.decode(r.nextInt(1 << 13), z.bits);
            if (v.isPresent()) return v.getAsLong();
        }
    }

    /// A byte offset from `pos` within the reach of `form`, both boundaries likely.
    static int branchTarget(Random r, int pos, BranchForm form) {
        long max = (1L << (form.bits - 1)) - 1;
        long units = switch (r.nextInt(5)) {
            case 0 -> max;
            case 1 -> -max - 1;
            case 2 -> r.nextInt(64) - 32;
            default -> r.nextLong(-max - 1, max + 1);
        };
        // Targets before the buffer start are fine: objdump prints them as 64-bit wrapped addresses.
        return (int) (pos + (units << form.shift));
    }

    static Arm64Insn randomBitfield(Random r, OpSize z) {
        int[] special = {0, 1, 7, 8, 15, 16, 31, 32, 63};
        int immr = r.nextBoolean() ? special[r.nextInt(special.length)] % z.bits : r.nextInt(z.bits);
        int imms = r.nextBoolean() ? special[r.nextInt(special.length)] % z.bits : r.nextInt(z.bits);
        if (r.nextInt(4) == 0) imms = (immr + z.bits - 1) % z.bits; // the lsl alias
        return new Bitfield(pick(r, BitfieldOp.values()), z, regZ(r), regZ(r), immr, imms);
    }

    static List<Arm64Insn> random(Random r, int kind, int pos) {
        OpSize z = size(r);
        Arm64Cond cond = pick(r, Arm64Cond.values());
        Arm64Insn insn = switch (kind) {
            case 0 -> new AddSubShifted(pick(r, AddSubOp.values()), z, regZ(r), regZ(r), regZ(r),
                    pick(r, new Shift[] {Shift.LSL, Shift.LSR, Shift.ASR}), bounded(r, 0, z.bits - 1));
            case 1 -> {
                AddSubOp op = pick(r, AddSubOp.values());
                Extend ext = pick(r, Extend.values());
                if (z == OpSize.W && ext.sourceIsX()) ext = Extend.UXTW;
                yield new AddSubExtended(op, z, op.setsFlags() ? regZ(r) : regS(r), regS(r), regZ(r), ext, bounded(r, 0, 4));
            }
            case 2 -> {
                AddSubOp op = pick(r, AddSubOp.values());
                yield new AddSubImm(op, z, op.setsFlags() ? regZ(r) : regS(r), regS(r),
                        new Imm12(r.nextInt(4) == 0 ? 0 : bounded(r, 0, 4095), r.nextInt(4) == 0));
            }
            case 3 -> new LogicalShifted(pick(r, LogicOp.values()), z, regZ(r), regZ(r), regZ(r), pick(r, Shift.values()),
                    r.nextBoolean() ? 0 : bounded(r, 0, z.bits - 1));
            case 4 -> {
                LogicOp op = pick(r, new LogicOp[] {LogicOp.AND, LogicOp.ORR, LogicOp.EOR, LogicOp.ANDS});
                yield new LogicalImm(op, z, op == LogicOp.ANDS ? regZ(r) : regS(r), regZ(r), logicalImm(r, z));
            }
            case 5 -> new MoveWide(pick(r, MoveWideOp.values()), z, regZ(r),
                    r.nextBoolean() ? bounded(r, 0, 0xffff) : r.nextInt(0x10000), 16 * r.nextInt(z.bits / 16));
            case 6 -> switch (r.nextInt(6)) {
                case 0 -> Arm64Insn.signExtend(z, regZ(r), regZ(r), z == OpSize.X ? pick(r, new Integer[] {8, 16, 32}) : pick(r, new Integer[] {8, 16}));
                case 1 -> Arm64Insn.zeroExtend(regZ(r), regZ(r), r.nextBoolean() ? 8 : 16);
                case 2 -> switch (r.nextInt(3)) {
                    case 0 -> Arm64Insn.lsl(z, regZ(r), regZ(r), bounded(r, 0, z.bits - 1));
                    case 1 -> Arm64Insn.lsr(z, regZ(r), regZ(r), bounded(r, 0, z.bits - 1));
                    default -> Arm64Insn.asr(z, regZ(r), regZ(r), bounded(r, 0, z.bits - 1));
                };
                default -> randomBitfield(r, z);
            };
            case 7 -> new TwoSource(pick(r, TwoSourceOp.values()), z, regZ(r), regZ(r), regZ(r));
            case 8 -> new MulAdd(pick(r, MulAddOp.values()), z, regZ(r), regZ(r), regZ(r), r.nextInt(3) == 0 ? Arm64Reg.ZR : regZ(r));
            case 9 -> {
                ReverseOp op = pick(r, ReverseOp.values());
                yield new Reverse(op, op == ReverseOp.REV32 ? OpSize.X : z, regZ(r), regZ(r));
            }
            case 10 -> {
                Arm64Reg rn = regZ(r);
                Arm64Reg rm = switch (r.nextInt(3)) {
                    case 0 -> rn;
                    case 1 -> Arm64Reg.ZR;
                    default -> regZ(r);
                };
                if (r.nextInt(4) == 0) rn = rm;
                yield new CondSelect(pick(r, CondSelectOp.values()), z, regZ(r), rn, rm, cond);
            }
            case 11 -> {
                MemOp op = pick(r, MemOp.values());
                yield new LoadStore(op, regZ(r), regS(r), bounded(r, 0, 4095) * op.bytes());
            }
            case 12 -> new LoadStoreUnscaled(pick(r, MemOp.values()), regZ(r), regS(r), bounded(r, -256, 255));
            case 13 -> new LoadStoreIndexed(pick(r, MemOp.values()), regZ(r), regS(r), regZ(r), pick(r, IndexExtend.values()),
                    r.nextBoolean());
            case 14 -> {
                PairOp op = pick(r, PairOp.values());
                IndexMode mode = pick(r, IndexMode.values());
                Arm64Reg rt = regZ(r), rt2 = regZ(r);
                while (op.l == 1 && rt2 == rt) rt2 = regZ(r);
                Arm64Reg rn = regS(r);
                while (mode != IndexMode.OFFSET && (rn == rt || rn == rt2)) rn = regS(r);
                yield new LoadStorePair(op, mode, rt, rt2, rn, bounded(r, -64, 63) << op.scale);
            }
            case 15 -> new LoadExclusive(r.nextBoolean(), z, regZ(r), regS(r));
            case 16 -> {
                Arm64Reg rt = regZ(r), rn = regS(r), rs = regZ(r);
                while (rs == rt || rs == rn) rs = regZ(r);
                yield new StoreExclusive(r.nextBoolean(), z, rs, rt, rn);
            }
            case 17 -> new AtomicRmw(pick(r, AtomicOp.values()), pick(r, MemOrder.values()), z, regZ(r),
                    r.nextInt(3) == 0 ? Arm64Reg.ZR : regZ(r), regS(r));
            case 18 -> new CompareAndSwap(pick(r, MemOrder.values()), z, regZ(r), regZ(r), regS(r));
            case 19 -> new Dmb(pick(r, Barrier.values()));
            case 20 -> new B(branchTarget(r, pos, BranchForm.IMM26));
            case 21 -> new Bl(branchTarget(r, pos, BranchForm.IMM26));
            case 22 -> new BCond(cond, branchTarget(r, pos, BranchForm.IMM19));
            case 23 -> new Cbz(r.nextBoolean(), z, regZ(r), branchTarget(r, pos, BranchForm.IMM19));
            case 24 -> new Tbz(r.nextBoolean(), regZ(r), bounded(r, 0, 63), branchTarget(r, pos, BranchForm.IMM14));
            case 25 -> {
                BranchRegOp op = pick(r, BranchRegOp.values());
                yield new BranchReg(op, op == BranchRegOp.RET && r.nextBoolean() ? Arm64Reg.R30 : regZ(r));
            }
            case 26 -> new Adr(regZ(r), branchTarget(r, pos, BranchForm.ADR21));
            case 27 -> {
                long page = (pos >> 12) + bounded(r, -(1 << 20), (1 << 20) - 1);
                yield new Adrp(regZ(r), page << 12);
            }
            case 28 -> new Brk(bounded(r, 0, 0xffff));
            case 29 -> r.nextBoolean() ? new Svc(bounded(r, 0, 0xffff)) : new Nop();
            case 30 -> null;
            case 31 -> new LoadLiteral(z, regZ(r), branchTarget(r, pos, BranchForm.IMM19));
            default -> throw new AssertionError(kind);
        };
        if (insn != null) return List.of(insn);
        long[] edges = {0, 1, -1, 0xffff, 0x10000, 0xffff0000L, 0xffffffffL, 0x100000000L, Long.MIN_VALUE, Long.MAX_VALUE,
            0x5555555555555555L, 0x00ff00ff00ff00ffL, 0x1234567812345678L};
        long v = switch (r.nextInt(4)) {
            case 0 -> edges[r.nextInt(edges.length)];
            case 1 -> logicalImm(r, OpSize.X) ^ (0x1234L << (16 * r.nextInt(4)));
            default -> r.nextLong() >> r.nextInt(64);
        };
        return Arm64Materializer.sequence(Arm64Reg.general(r.nextInt(31)), v, z);
    }
}

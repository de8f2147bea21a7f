package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.riscv64.Riscv64Features.Extension;
import dev.ebpfc.backend.riscv64.Riscv64Insn.*;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// GNU objdump (binutils 2.40) as an independent oracle: thousands of seeded random instructions of
/// every record type are encoded into one buffer, objdump disassembles it with its default alias
/// rules, and every instruction must start where we put it and print exactly as
/// [Riscv64Printer] prints it.
///
/// Three runs:
///  - RV64IMA, raw bytes through `objdump -D -b binary -m riscv:rv64`;
///  - the same with the C extension, so the emitter's compressed picks are disassembled too (for
///    raw binaries objdump assumes rv64gc, which decodes compressed forms);
///  - Zba/Zbb. objdump 2.40 has no `-M` option to enable extensions and decodes them only when an
///    ELF file says so in its `.riscv.attributes` arch string, so this run wraps the bytes in a
///    minimal ELF written here. Branches are left out of it: in ELF mode objdump prints targets as
///    `4c <.text+0x4c>`; they are covered by the first two runs.
///
/// objdump annotates instructions that use a register it saw loaded by lui/auipc with `# address`;
/// those comments are dropped before comparing, since the printer sees one instruction at a time.
class Riscv64ObjdumpOracleTest {
    private static final long SEED = 0x5eed_0064L;
    private static final int COUNT = 6000;
    private static final String OBJDUMP = "riscv64-linux-gnu-objdump";
    private static final Riscv64Reg[] REGS = Riscv64Reg.values();
    private static final int[] IMM12 = {0, 1, -1, 2, 5, 31, -32, 32, 255, 256, 1000, 2046, 2047, -2047, -2048, -100};
    private static final int[] IMM20 = {0, 1, 0x7ffff, 0x80000, 0xfffff, 0x12345};

    @Test
    void baselineObjdumpAgreesWithPrinter() throws Exception {
        check(Riscv64Features.BASELINE, false);
    }

    @Test
    void compressedObjdumpAgreesWithPrinter() throws Exception {
        check(Riscv64Features.of(Extension.C), false);
    }

    @Test
    void bitManipObjdumpAgreesWithPrinter() throws Exception {
        check(Riscv64Features.of(Extension.ZBA, Extension.ZBB), true);
    }

    private static void check(Riscv64Features features, boolean elf) throws Exception {
        Random rnd = new Random(SEED);
        Riscv64Encoder enc = new Riscv64Encoder(features);
        Map<Integer, Riscv64Insn> at = new LinkedHashMap<>();
        int compressed = 0;
        for (int i = 0; i < COUNT; i++) {
            int pos = enc.position();
            Riscv64Insn insn = random(rnd, pos, features, !elf);
            enc.emit(insn);
            assertEquals(enc.length(insn), enc.position() - pos, "length() of " + insn);
            if (enc.position() - pos == 2) compressed++;
            at.put(pos, insn);
        }
        if (features.has(Extension.C)) assertTrue(compressed > COUNT / 10, "only " + compressed + " compressed");
        Map<Integer, String> dis = elf
                ? objdump(elfWithArch(enc.toByteArray(), "rv64i2p1_m2p0_a2p1_zba1p0_zbb1p0"), "-d")
                : objdump(enc.toByteArray(), "-D", "-b", "binary", "-m", "riscv:rv64");
        List<String> mismatches = new ArrayList<>();
        for (var e : at.entrySet()) {
            String ours = normalize(Riscv64Printer.print(e.getValue()));
            String theirs = dis.get(e.getKey());
            if (!ours.equals(theirs)) {
                mismatches.add(String.format("at 0x%x %s: objdump '%s', ours '%s'", e.getKey(), e.getValue(), theirs, ours));
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, first: "
                + String.join("\n", mismatches.subList(0, Math.min(10, mismatches.size()))));
        assertEquals(at.keySet(), dis.keySet(), "objdump saw instructions at other offsets");
    }

    static String normalize(String s) {
        return s.replaceAll("\\s*#.*$", "").trim().replaceAll("\\s+", " ");
    }

    /// offset -> instruction text (mnemonic and operands joined by one space).
    static Map<Integer, String> objdump(byte[] file, String... options) throws IOException, InterruptedException {
        Path path = Files.createTempFile("ebpfc-riscv64", ".bin");
        try {
            Files.write(path, file);
            List<String> cmd = new ArrayList<>();
            cmd.add(OBJDUMP);
            cmd.addAll(Arrays.asList(options));
            cmd.add(path.toString());
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                fail(OBJDUMP + " not found: apt-get install binutils-riscv64-linux-gnu");
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
                String text = String.join(" ", Arrays.asList(parts).subList(2, parts.length));
                map.put(Integer.parseInt(addr.substring(0, addr.length() - 1), 16), normalize(text));
            }
            return map;
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /// A relocatable ELF64 holding `code` in `.text` and a `.riscv.attributes` section naming `arch`,
    /// the only way to make objdump 2.40 decode extensions beyond rv64gc. Layout: header, .text,
    /// attributes, .shstrtab, then four section headers (null, .text, attributes, .shstrtab).
    static byte[] elfWithArch(byte[] code, String arch) {
        byte[] archZ = (arch + "\0").getBytes(StandardCharsets.US_ASCII);
        // attributes (psABI "Attributes"): 'A', then a vendor subsection "riscv" holding a
        // Tag_File (1) sub-subsection with Tag_RISCV_arch (5) = NTBS.
        int fileSub = 1 + 4 + 1 + archZ.length;
        int vendor = 4 + 6 + fileSub;
        ByteBuffer attr = ByteBuffer.allocate(1 + vendor).order(ByteOrder.LITTLE_ENDIAN);
        attr.put((byte) 'A').putInt(vendor).put("riscv\0".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1).putInt(fileSub).put((byte) 5).put(archZ);
        byte[] shstr = "\0.text\0.riscv.attributes\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
        int textOff = 64;
        int attrOff = textOff + code.length;
        int strOff = attrOff + attr.capacity();
        int shOff = (strOff + shstr.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(shOff + 4 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 1).putShort((short) 243).putInt(1); // ET_REL, EM_RISCV, EV_CURRENT
        b.putLong(0).putLong(0).putLong(shOff).putInt(0);      // entry, phoff, shoff, flags
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        b.putShort((short) 64).putShort((short) 4).putShort((short) 3);
        b.put(textOff, code).put(attrOff, attr.array()).put(strOff, shstr);
        b.position(shOff + 64); // section 0 stays all zero
        section(b, 1, 1, 6, textOff, code.length, 4);                  // .text PROGBITS, ALLOC|EXEC
        section(b, 7, 0x70000003, 0, attrOff, attr.capacity(), 1);    // SHT_RISCV_ATTRIBUTES
        section(b, 25, 3, 0, strOff, shstr.length, 1);                 // .shstrtab STRTAB
        return b.array();
    }

    private static void section(ByteBuffer b, int name, int type, long flags, long offset, long size, long align) {
        b.putInt(name).putInt(type).putLong(flags).putLong(0).putLong(offset).putLong(size)
                .putInt(0).putInt(0).putLong(align).putLong(0);
    }

    private static Riscv64Reg reg(Random r) {
        return REGS[r.nextInt(REGS.length)];
    }

    private static int imm12(Random r) {
        return r.nextInt(3) == 0 ? r.nextInt(4096) - 2048 : IMM12[r.nextInt(IMM12.length)];
    }

    private static int imm20(Random r) {
        return r.nextBoolean() ? r.nextInt(1 << 20) : IMM20[r.nextInt(IMM20.length)];
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    /// A pc-relative target `pos + d` for a random even d that fits `bits` signed bits, with the
    /// extremes chosen often; clamped so that it is not before the buffer start.
    private static int target(Random r, int pos, int bits) {
        int max = (1 << (bits - 1)) - 2;
        int min = -(1 << (bits - 1));
        int d = switch (r.nextInt(4)) {
            case 0 -> max;
            case 1 -> min;
            default -> (r.nextInt(max - min + 2) + min) & ~1;
        };
        return pos + d < 0 ? pos : pos + d;
    }

    static Riscv64Insn random(Random r, int pos, Riscv64Features f, boolean controlFlow) {
        boolean zb = f.has(Extension.ZBA) && f.has(Extension.ZBB);
        boolean c = f.has(Extension.C);
        AluOp[] aluOps = Arrays.stream(AluOp.values()).filter(o -> o.extension == null || zb).toArray(AluOp[]::new);
        AluImmOp[] immOps = Arrays.stream(AluImmOp.values()).filter(o -> o.extension == null || zb).toArray(AluImmOp[]::new);
        int kinds = 21;
        while (true) {
            int k = r.nextInt(kinds);
            if (!controlFlow && (k == 8 || k == 9 || k == 10 || k == 17)) continue;
            if (k == 17 && !c) continue;
            if (k == 18 && !zb) continue;
            if (k >= 19 && !c) k = r.nextInt(2); // the compressible shapes fall back to plain ALU
            return switch (k) {
                case 0 -> new Alu(pick(r, aluOps), reg(r), r.nextInt(4) == 0 ? Riscv64Reg.ZERO : reg(r),
                        r.nextInt(4) == 0 ? Riscv64Reg.ZERO : reg(r));
                case 1 -> {
                    AluImmOp op = pick(r, immOps);
                    int imm = switch (op.kind) {
                        case SIGNED12 -> imm12(r);
                        case SHAMT6 -> r.nextInt(64);
                        case SHAMT5 -> r.nextInt(32);
                    };
                    yield new AluImm(op, reg(r), r.nextInt(4) == 0 ? Riscv64Reg.ZERO : reg(r), imm);
                }
                case 2 -> new Lui(reg(r), imm20(r));
                case 3 -> new Auipc(reg(r), imm20(r));
                case 4 -> new Load(pick(r, LoadOp.values()), reg(r), reg(r), imm12(r));
                case 5 -> new Store(pick(r, StoreOp.values()), reg(r), reg(r), imm12(r));
                case 6 -> new Amo(pick(r, AmoOp.values()), pick(r, Width.values()), pick(r, Ordering.values()),
                        reg(r), reg(r), reg(r));
                case 7 -> r.nextBoolean()
                        ? new LoadReserved(pick(r, Width.values()), pick(r, Ordering.values()), reg(r), reg(r))
                        : new StoreConditional(pick(r, Width.values()), pick(r, Ordering.values()), reg(r), reg(r), reg(r));
                case 8 -> new Branch(pick(r, BranchOp.values()), r.nextInt(4) == 0 ? Riscv64Reg.ZERO : reg(r),
                        r.nextInt(4) == 0 ? Riscv64Reg.ZERO : reg(r), target(r, pos, 13));
                case 9 -> new Jal(r.nextInt(3) == 0 ? Riscv64Reg.ZERO : r.nextBoolean() ? Riscv64Reg.RA : reg(r),
                        target(r, pos, 21));
                case 10 -> new Jalr(r.nextInt(3) == 0 ? Riscv64Reg.ZERO : r.nextBoolean() ? Riscv64Reg.RA : reg(r),
                        r.nextInt(4) == 0 ? Riscv64Reg.RA : reg(r), r.nextBoolean() ? 0 : imm12(r));
                case 11 -> r.nextInt(8) == 0 ? new Fence(Riscv64Insn.FenceSet.IORW, Riscv64Insn.FenceSet.IORW)
                        : new Fence(r.nextInt(16), r.nextInt(16));
                case 12 -> new FenceTso();
                case 13 -> new Ecall();
                case 14 -> new Ebreak();
                case 15 -> new AluImm(AluImmOp.ADDI, r.nextBoolean() ? Riscv64Reg.ZERO : reg(r),
                        r.nextBoolean() ? Riscv64Reg.ZERO : reg(r), r.nextBoolean() ? 0 : imm12(r));
                case 16 -> {
                    // the alias-prone shapes: immediates 0, 1, -1, 255 with any operator
                    int[] special = {0, 1, -1, 255};
                    AluImmOp op = pick(r, immOps);
                    int imm = op.kind == ImmKind.SIGNED12 ? special[r.nextInt(4)] : 0;
                    yield new AluImm(op, reg(r), r.nextInt(3) == 0 ? Riscv64Reg.ZERO : reg(r), imm);
                }
                case 17 -> new CompressedJump(target(r, pos, 12));
                case 18 -> new Unary(pick(r, UnaryOp.values()), reg(r), reg(r));
                case 19 -> {
                    // shapes the emitter compresses: c.addi, c.li, c.mv, c.add
                    Riscv64Reg rd = reg(r);
                    yield switch (r.nextInt(4)) {
                        case 0 -> new AluImm(AluImmOp.ADDI, rd, rd, r.nextInt(64) - 32);
                        case 1 -> new AluImm(AluImmOp.ADDI, rd, Riscv64Reg.ZERO, r.nextInt(64) - 32);
                        case 2 -> new AluImm(AluImmOp.ADDI, rd, reg(r), 0);
                        default -> new Alu(AluOp.ADD, rd, rd, reg(r));
                    };
                }
                default -> {
                    // c.ldsp / c.sdsp / c.jr shapes, and near misses (odd multiples, 512)
                    int off = r.nextInt(4) == 0 ? r.nextInt(1024) - 256 : r.nextInt(64) * 8;
                    yield switch (r.nextInt(3)) {
                        case 0 -> new Load(LoadOp.LD, reg(r), Riscv64Reg.SP, off);
                        case 1 -> new Store(StoreOp.SD, reg(r), Riscv64Reg.SP, off);
                        default -> controlFlow ? new Jalr(Riscv64Reg.ZERO, reg(r), 0) : new Ecall();
                    };
                }
            };
        }
    }
}

package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.codec.RawInsn;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.PacketMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// [LlvmPrinter] and [LlvmAssembler] against an independent oracle: for every clang-built `*.o`
/// under `fixtures/`, `llvm-objdump -d` (LLVM 14, /usr/bin/llvm-objdump; raw bytes are shown by default) gives each instruction's
/// bytes and text; we decode the bytes and print them, and must get its text (whitespace aside,
/// `<label>` annotations stripped); we assemble its text, and must get its bytes.
///
/// Compared: everything LLVM 14 prints faithfully. Skipped, and counted in the report this test
/// prints, are instructions LLVM 14 prints as `<unknown>` (v4 `bswap`, sign-extending loads, `ST`
/// stores, `gotol`, `jset`, 32-bit fetch atomics) and those it prints but cannot tell apart:
/// - `sdiv`/`smod`/`movsx` (LLVM 14 ignores the `offset` field and prints `/=`, `%=`, `=`),
/// - local calls and kfunc calls (LLVM prints `call N` as for a helper; ebpfc prints `call pc+N`,
///   `call kfunc N`),
/// - `callx` (LLVM 14 takes the register from `imm`, ebpfc from `dst` as Linux does),
/// - `ld_pseudo` with a second immediate and `ldind` with an immediate (LLVM drops them).
class LlvmObjdumpAgreementTest {
    static final Path OBJDUMP = Path.of("/usr/bin/llvm-objdump");

    @Test
    void printerAndAssemblerAgreeWithLlvmObjdump() throws Exception {
        if (!Files.isExecutable(OBJDUMP)) fail("llvm-objdump not found: apt-get install llvm");
        List<Path> objects = fixtures();
        assertTrue(!objects.isEmpty(), "no *.o fixtures found");
        int compared = 0;
        Map<String, Integer> skipped = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        for (Path object : objects) {
            for (String line : objdump(object)) {
                String[] parts = line.split("\t");
                if (parts.length < 3 || !parts[0].strip().matches("\\d+:")) continue;
                byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(parts[1].strip());
                String text = String.join(" ", List.of(parts).subList(2, parts.length)).strip();
                String where = object.getFileName() + " " + parts[0].strip() + " " + HexFormat.of().formatHex(bytes);
                if (text.equals("<unknown>")) {
                    skipped.merge("printed <unknown> by LLVM 14", 1, Integer::sum);
                    continue;
                }
                String theirs = normalize(text);
                Insn insn = Decoder.decodeAt(slots(bytes), 0);
                String reason = llvm14CannotPrint(insn);
                if (reason != null) {
                    skipped.merge(reason, 1, Integer::sum);
                    continue;
                }
                String ours = normalize(LlvmPrinter.print(insn));
                if (!ours.equals(theirs)) mismatches.add(where + ": llvm-objdump '" + theirs + "', we print '" + ours + "'");
                try {
                    Insn parsed = LlvmAssembler.parseInsn(theirs);
                    byte[] back = encode(parsed);
                    if (!HexFormat.of().formatHex(back).equals(HexFormat.of().formatHex(bytes))) {
                        mismatches.add(where + ": assembling '" + theirs + "' gives " + HexFormat.of().formatHex(back));
                    }
                } catch (AssemblerException e) {
                    mismatches.add(where + ": cannot assemble '" + theirs + "': " + e.getMessage());
                }
                compared++;
            }
        }
        System.out.println("llvm-objdump agreement: " + objects.size() + " objects, " + compared + " instructions compared, skipped " + skipped);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
        assertTrue(compared > 0, "no instruction was compared");
    }

    /// Why LLVM 14's text for `insn` is not comparable, or null when it is.
    static String llvm14CannotPrint(Insn insn) {
        return switch (insn) {
            case Insn.Alu a when a.op() == AluOp.SDIV || a.op() == AluOp.SMOD || a.op().isMovsx() -> "v4 sdiv/smod/movsx (LLVM 14 ignores offset)";
            case Insn.Call c when c.kind() != CallKind.HELPER -> "local/kfunc call (LLVM prints call N as for helpers)";
            case Insn.CallIndirect c -> "callx (LLVM 14 reads the register from imm)";
            case Insn.LoadImm64 l when l.source() != LddwSource.IMM64 && l.nextImm() != 0 -> "ld_pseudo with next imm (LLVM drops it)";
            case Insn.LoadPacket p when p.mode() == PacketMode.IND && p.imm() != 0 -> "ldind with imm (LLVM drops it)";
            default -> null;
        };
    }

    static String normalize(String text) {
        return text.replaceAll("<[A-Za-z_.$][^<>\\s]*>", " ").replaceAll("\\s+", " ").strip();
    }

    private static List<Path> fixtures() throws IOException, URISyntaxException {
        String override = System.getProperty("ebpfc.fixtures.dir");
        Path dir;
        if (override != null) {
            dir = Path.of(override);
        } else {
            URL url = LlvmObjdumpAgreementTest.class.getResource("/fixtures");
            if (url == null) fail("test resource folder fixtures/ is missing from the test classpath");
            dir = Path.of(url.toURI());
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".o")).sorted().toList();
        }
    }

    private static List<String> objdump(Path object) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(OBJDUMP.toString(), "-d", object.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) fail("llvm-objdump failed on " + object + ":\n" + out);
        return out.lines().toList();
    }

    private static long[] slots(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] slots = new long[bytes.length / 8];
        for (int i = 0; i < slots.length; i++) slots[i] = buf.getLong();
        return slots;
    }

    private static byte[] encode(Insn insn) {
        ByteBuffer buf = ByteBuffer.allocate(insn.slots() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (RawInsn r : Encoder.encode(insn)) buf.putLong(r.toLong());
        return buf.array();
    }
}

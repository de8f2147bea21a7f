package dev.ebpfc.frontend.elf;

import dev.ebpfc.frontend.FrontendException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/// Hand-made malformed objects and the exact message each gives. They patch one field of
/// subprogs.v3.o (layout: section headers at 0x1cd8, 29 sections, .text at 0x40, xdp at 0x90,
/// .relxdp at 0x13e0, .symtab at 0x11a0 with 24 symbols, names in section 1, 318 bytes) or of
/// legacy_maps.v1.o (maps section at 0x140), as `llvm-readelf -S -s -r` shows them.
class ElfMalformedTest {
    static byte[] subprogs() throws IOException {
        return Files.readAllBytes(ObjectLoaderTest.FIXTURES.resolve("subprogs.v3.o"));
    }

    static byte[] patch(byte[] b, int at, long value, int width) {
        for (int k = 0; k < width; k++) b[at + k] = (byte) (value >>> (8 * k));
        return b;
    }

    static void assertMessage(String expected, byte[] bytes) {
        FrontendException e = assertThrows(FrontendException.class, () -> ObjectLoader.load(bytes, "s.o"));
        assertEquals(ElfException.class, e.getClass());
        assertEquals(expected, e.getMessage());
    }

    static int sectionHeader(int index) {
        return 0x1cd8 + index * 64;
    }

    static int symbol(int index) {
        return 0x11a0 + index * 24;
    }

    @Test
    void theUnpatchedFileLoads() throws IOException {
        assertEquals(3, ObjectLoader.load(subprogs(), "s.o").programs().size());
    }

    @Test
    void truncatedHeader() throws IOException {
        assertMessage("s.o: offset 0x0: truncated ELF header: the file is 0 bytes, the ELF64 header needs 64", new byte[0]);
        assertMessage("s.o: offset 0x0: truncated ELF header: the file is 40 bytes, the ELF64 header needs 64", Arrays.copyOf(subprogs(), 40));
    }

    @Test
    void identification() throws IOException {
        assertMessage("s.o: offset 0x0: not an ELF file (magic 7f 45 4c 46 expected, found 7f 58 4c 46)", patch(subprogs(), 1, 'X', 1));
        assertMessage("s.o: offset 0x4: ELF class 1 is not ELFCLASS64 (2)", patch(subprogs(), 4, 1, 1));
        assertMessage("s.o: offset 0x5: data encoding 2 is not little-endian (ELFDATA2LSB, 1)", patch(subprogs(), 5, 2, 1));
        assertMessage("s.o: offset 0x10: ELF type 2 is not a relocatable object (ET_REL, 1)", patch(subprogs(), 0x10, 2, 2));
        assertMessage("s.o: offset 0x12: machine 62 is not BPF (EM_BPF, 247)", patch(subprogs(), 0x12, 62, 2));
    }

    @Test
    void sectionHeaderTable() throws IOException {
        assertMessage("s.o: offset 0x28: section header table at 0x10000 (29 × 64 bytes) extends beyond the file (9240 bytes)",
                patch(subprogs(), 0x28, 0x10000, 8));
        assertMessage("s.o: offset 0x28: section header table at 0x1d18 (65535 × 64 bytes) extends beyond the file (9240 bytes)",
                patch(patch(subprogs(), 0x28, 0x1d18, 8), 0x3c, 0xffff, 2));
        assertMessage("s.o: offset 0x3e: section name table index 40 out of range (29 sections)", patch(subprogs(), 0x3e, 40, 2));
    }

    @Test
    void sectionContents() throws IOException {
        assertMessage("s.o: section 3 (header at 0x1d98): contents at 0x5000 + 0x98 extend beyond the file (9240 bytes)",
                patch(subprogs(), sectionHeader(3) + 24, 0x5000, 8));
        assertMessage("s.o: section 3 (header at 0x1d98): contents at 0x90 + 0xffffffffffffff00 extend beyond the file (9240 bytes)",
                patch(subprogs(), sectionHeader(3) + 32, 0xffffffffffffff00L, 8));
        assertMessage("s.o: section 5 (contents at 0x90): overlaps section 3", patch(subprogs(), sectionHeader(5) + 24, 0x90, 8));
        assertMessage("s.o: section 1 (section names): section 3 name at string index 39321 is beyond the table (size 318)",
                patch(subprogs(), sectionHeader(3), 0x9999, 4));
    }

    @Test
    void symbols() throws IOException {
        assertMessage("s.o: section 28 (.symtab): entry size 16, expected 24", patch(subprogs(), sectionHeader(28) + 56, 16, 8));
        assertMessage("s.o: section 28 (.symtab): symbol 20 names section 200, beyond the 29 sections", patch(subprogs(), symbol(20) + 6, 200, 2));
        assertMessage("s.o: section 1 (.strtab): symbol 20 name at string index 65535 is beyond the table (size 318)",
                patch(subprogs(), symbol(20), 0xffff, 4));
    }

    @Test
    void relocations() throws IOException {
        assertMessage("s.o: section 4 (.relxdp): relocation 0 (offset 0x20) names symbol 999, beyond the 24 symbols",
                patch(subprogs(), 0x13e0 + 12, 999, 4));
        assertMessage("s.o: section 4 (.relxdp): relocation at offset 0x1000 is not an instruction of section 3 (xdp) (152 bytes)",
                patch(subprogs(), 0x13e0, 0x1000, 8));
        assertMessage("s.o: section 3 (xdp) offset 0x0: R_BPF_64_32 relocation on {op=0x61 dst=2 src=1 off=0 imm=0}, which is not a local call",
                patch(subprogs(), 0x13e0, 0, 8));
        // clamp made undefined, as an extern function would be
        assertMessage("s.o: section 3 (xdp) offset 0x20: relocation against undefined symbol 19 (clamp) (externs, kfuncs and ksyms cannot be resolved)",
                patch(subprogs(), symbol(19) + 6, 0, 2));
    }

    @Test
    void code() throws IOException {
        assertMessage("s.o: section 3 (xdp) offset 0x0 (function xdp_len, program xdp_len): unknown opcode 0xff", patch(subprogs(), 0x90, 0xff, 1));
        // twice's static call to add3 (.text slot 4, imm 2) moved one slot back, into twice itself
        assertMessage("s.o: section 2 (.text) offset 0x20: call lands at slot 6 of section 2 (.text), which is not the start of a function",
                patch(subprogs(), 0x40 + 4 * 8 + 4, 1, 4));
        // clamp's conditional jump (.text slot 1) sent back into its caller (clamp is linked at
        // slot 10 of xdp_len), then past the end of the linked program
        assertMessage("s.o: section 2 (.text) offset 0x8 (function clamp, program xdp_len): jump leaves function clamp",
                patch(subprogs(), 0x40 + 8 + 2, -3, 2));
        assertMessage("s.o: section 2 (.text) offset 0x8 (function clamp, program xdp_len): jump out of the program (to slot 17 of 14)",
                patch(subprogs(), 0x40 + 8 + 2, 5, 2));
    }

    @Test
    void legacyMapOfUnknownType() throws IOException {
        byte[] b = Files.readAllBytes(ObjectLoaderTest.FIXTURES.resolve("legacy_maps.v1.o"));
        assertMessage("s.o: section 5 (maps) offset 0x0: map len_hist has unknown type 99", patch(b, 0x140, 99, 4));
    }

    @Test
    void unreadableFile() {
        FrontendException e = assertThrows(FrontendException.class, () -> ObjectLoader.load(ObjectLoaderTest.FIXTURES.resolve("missing.o")));
        assertEquals("src/test/resources/fixtures/missing.o: cannot read: src/test/resources/fixtures/missing.o", e.getMessage());
    }
}

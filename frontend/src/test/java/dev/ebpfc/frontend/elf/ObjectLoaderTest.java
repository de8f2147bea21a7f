package dev.ebpfc.frontend.elf;

import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.codec.RawInsn;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.LineInfo;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;
import dev.ebpfc.frontend.object.ProgramDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Loads every committed fixture (frontend/src/test/resources/fixtures, built by
/// scripts/build-fixtures.sh) and checks what the C sources say must be there: programs, maps
/// read from BTF or `maps`, global data, resolved relocations, linked subprograms, line info.
class ObjectLoaderTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    static Stream<Path> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(FIXTURES)) {
            List<Path> all = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
            assertTrue(all.size() >= 20, "fixtures missing: " + all);
            return all.stream();
        }
    }

    static BpfObject load(String name) {
        return ObjectLoader.load(FIXTURES.resolve(name));
    }

    // ---- facts every fixture must satisfy ----

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyProgramRoundTripsThroughTheCodec(Path file) {
        BpfObject o = ObjectLoader.load(file);
        assertFalse(o.programs().isEmpty());
        for (ProgramDef p : o.programs()) {
            byte[] bytes = Encoder.encode(p.program());
            assertEquals(p.program(), Decoder.decode(bytes), p.name());
            assertArrayEquals(bytes, Encoder.encode(Decoder.decode(bytes)), p.name());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void functionsAreLinkedOnceAndCallsLandOnTheirEntries(Path file) {
        for (ProgramDef p : ObjectLoader.load(file).programs()) {
            Program prog = p.program();
            assertEquals(p.name(), p.functions().getFirst().name());
            assertEquals(0, p.functions().getFirst().slot());
            Set<Integer> entries = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (ProgramDef.Function f : p.functions()) {
                assertTrue(names.add(f.name()), p.name() + " links " + f.name() + " twice");
                assertTrue(prog.indexAtSlot(f.slot()) >= 0, f + " does not start an instruction");
                entries.add(f.slot());
            }
            Set<Integer> reached = new HashSet<>();
            reached.add(0);
            for (int i = 0; i < prog.size(); i++) {
                Insn insn = prog.get(i);
                boolean local = insn instanceof Insn.Call c && c.kind() == CallKind.LOCAL
                        || insn instanceof Insn.LoadImm64 l && l.source() == LddwSource.FUNC;
                if (!local) continue;
                int target = prog.branchTarget(i);
                assertTrue(entries.contains(target), p.name() + ": " + insn + " at slot " + prog.slot(i) + " lands on " + target);
                reached.add(target);
            }
            assertEquals(entries, reached, p.name() + ": every linked function is called");
        }
    }

    /// Cross-check against the raw ELF: each `lddw` carrying an `R_BPF_64_64` relocation became
    /// `map_idx`/`map_idx_value` naming the map the symbol lives in, and no other lddw did.
    @ParameterizedTest
    @MethodSource("fixtures")
    void relocatedLddwNameTheirMaps(Path file) throws IOException {
        BpfObject o = ObjectLoader.load(file);
        ElfFile elf = ElfFile.parse(Files.readAllBytes(file), file.toString());
        for (ProgramDef p : o.programs()) {
            ElfSection sec = elf.section(p.section());
            ElfSymbol entry = elf.symbols().stream().filter(s -> s.name().equals(p.name()) && s.shndx() == sec.index()).findFirst().orElseThrow();
            long[] raw = rawSlots(elf, sec);
            ElfSection relSec = elf.relocationSectionFor(sec);
            List<ElfRelocation> rels = relSec == null ? List.of() : elf.relocations(relSec);
            int start = (int) (entry.value() / 8);
            int end = start + (int) (entry.size() / 8);
            int mapRefs = 0;
            for (ElfRelocation r : rels) {
                int s = (int) (r.offset() / 8);
                if (r.type() != ElfRelocation.R_BPF_64_64 || s < start || s >= end) continue;
                ElfSymbol sym = elf.symbols().get(r.symbol());
                ElfSection target = elf.section(sym.shndx());
                if (target.isExecutable()) continue;
                Insn.LoadImm64 l = (Insn.LoadImm64) p.program().atSlot(s - start);
                MapDef m = o.maps().get(l.imm());
                long offset = sym.value() + RawInsn.fromLong(raw[s]).imm();
                if (target.name().equals(".maps") || target.name().equals("maps")) {
                    assertEquals(LddwSource.MAP_IDX, l.source());
                    assertEquals(sym.name(), m.name());
                } else {
                    assertEquals(LddwSource.MAP_IDX_VALUE, l.source());
                    assertEquals(target.name(), m.name());
                    assertTrue(m.globalData());
                    assertEquals(offset, l.nextImm());
                }
                mapRefs++;
            }
            long lddwToMaps = p.program().insns().stream()
                    .filter(i -> i instanceof Insn.LoadImm64 l && l.source().refersToMap()).count();
            assertEquals(mapRefs, lddwToMaps, p.name());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void lineInfoNamesTheSourceFile(Path file) {
        String source = file.getFileName().toString().replaceFirst("\\..*", ".c");
        BpfObject o = ObjectLoader.load(file);
        for (ProgramDef p : o.programs()) {
            assertFalse(p.lines().isEmpty(), p.name());
            int previous = -1;
            for (LineInfo l : p.lines()) {
                assertTrue(l.file().endsWith(source), l.file());
                assertTrue(l.slot() >= previous && l.slot() < p.program().slotCount());
                assertTrue(l.line() >= 0); // 0: code the compiler made up
                previous = l.slot();
            }
            assertNotNull(p.lineAt(0));
            assertTrue(p.lines().stream().allMatch(l -> l.line() == 0 || !l.sourceLine().isBlank()));
        }
        assertFalse(o.license().isEmpty());
    }

    @Test
    void loadingIsDeterministic() throws IOException {
        for (Path f : fixtures().toList()) {
            byte[] b = Files.readAllBytes(f);
            assertEquals(ObjectLoader.load(b, "x"), ObjectLoader.load(b.clone(), "x"), f.toString());
        }
    }

    // ---- per-fixture facts from the C sources ----

    @ParameterizedTest
    @ValueSource(strings = {"xdp_parse.v1.o", "xdp_parse.v2.o", "xdp_parse.v3.o", "xdp_parse.v4.o"})
    void xdpParserWithBtfHashMap(String name) {
        BpfObject o = load(name);
        assertEquals("GPL", o.license());
        assertEquals(List.of(MapDef.map("proto_count", MapType.HASH, 4, 8, 64, 0)), o.maps());
        assertEquals(1, o.programs().size());
        ProgramDef p = o.program("xdp_parse");
        assertEquals("xdp", p.section());
        assertEquals(2, countLddw(p, LddwSource.MAP_IDX, 0));
        assertEquals(List.of(1, 2), helperCalls(p));
        assertTrue(p.lines().stream().anyMatch(l -> l.sourceLine().contains("udp->dest == bpf_htons(9)")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket_tc.v1.o", "socket_tc.v3.o", "socket_tc.v4.o"})
    void socketFilterAndTc(String name) {
        BpfObject o = load(name);
        assertEquals("Dual BSD/GPL", o.license());
        assertEquals(List.of(), o.maps());
        assertEquals(List.of("sock_filter", "tc_mark"), o.programs().stream().map(ProgramDef::name).toList());
        assertEquals("socket", o.program("sock_filter").section());
        assertEquals("tc", o.program("tc_mark").section());
        // tc_mark reads skb->data (76) and skb->data_end (80) and writes skb->mark (8).
        Program tc = o.program("tc_mark").program();
        assertTrue(tc.insns().stream().anyMatch(i -> i instanceof Insn.Load l && l.offset() == 76));
        assertTrue(tc.insns().stream().anyMatch(i -> i instanceof Insn.Load l && l.offset() == 80));
        assertTrue(tc.insns().stream().anyMatch(i -> i instanceof Insn.Store s && s.offset() == 8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"legacy_maps.v1.o", "legacy_maps.v3.o"})
    void legacyMapsSection(String name) {
        BpfObject o = load(name);
        assertEquals(List.of(MapDef.map("len_hist", MapType.ARRAY, 4, 8, 4, 0), MapDef.map("last_len", MapType.HASH, 8, 4, 128, 1)), o.maps());
        ProgramDef p = o.program("count_len");
        assertEquals("socket", p.section());
        assertEquals(1, countLddw(p, LddwSource.MAP_IDX, 0));
        assertEquals(1, countLddw(p, LddwSource.MAP_IDX, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"global_data.v2.o", "global_data.v3.o", "global_data.v4.o"})
    void globalDataSectionsBecomeMaps(String name) {
        BpfObject o = load(name);
        assertEquals(List.of(".data", ".rodata", ".bss", ".rodata.str1.1"), o.maps().stream().map(MapDef::name).toList());
        MapDef data = o.maps().get(0), rodata = o.maps().get(1), bss = o.maps().get(2), str = o.maps().get(3);
        // limit = 3, last_len = 0xffffffff, static hidden = 7
        assertArrayEquals(new byte[] {3, 0, 0, 0, -1, -1, -1, -1, 7, 0, 0, 0}, data.initialValue());
        assertArrayEquals(new byte[] {0x42, 'e', 'b', 'p', 'f', 'c', 0, 0, 0}, rodata.initialValue());
        assertArrayEquals(new byte[8], bss.initialValue());
        assertArrayEquals("over limit: %llu\n\0".getBytes(StandardCharsets.US_ASCII), str.initialValue());
        for (MapDef m : o.maps()) {
            assertTrue(m.globalData());
            assertEquals(MapType.ARRAY, m.type());
            assertEquals(4, m.keySize());
            assertEquals(1, m.maxEntries());
            assertEquals(m.name().startsWith(".rodata"), m.readOnly());
        }
        ProgramDef p = o.program("xdp_globals");
        Set<List<Integer>> refs = new HashSet<>();
        for (Insn i : p.program().insns()) {
            if (i instanceof Insn.LoadImm64 l && l.source() == LddwSource.MAP_IDX_VALUE) refs.add(List.of(l.imm(), l.nextImm()));
        }
        // packets (.bss+0), limit (.data+0), last_len (.data+4), hidden (.data+8 via the section
        // symbol), drop_byte (.rodata+0), the format string (.rodata.str1.1+0)
        assertEquals(Set.of(List.of(2, 0), List.of(0, 0), List.of(0, 4), List.of(0, 8), List.of(1, 0), List.of(3, 0)), refs);
        assertEquals(List.of(6), helperCalls(p));
    }

    @ParameterizedTest
    @ValueSource(strings = {"subprogs.v1.o", "subprogs.v3.o", "subprogs.v4.o"})
    void subprogramsAreLinkedPerProgram(String name) {
        BpfObject o = load(name);
        assertEquals(List.of("xdp_len", "xdp_small", "tc_len"), o.programs().stream().map(ProgramDef::name).toList());
        assertEquals(List.of("xdp", "xdp", "tc"), o.programs().stream().map(ProgramDef::section).toList());
        assertEquals(List.of("xdp_len", "clamp"), functionNames(o.program("xdp_len")));
        assertEquals(List.of("xdp_small", "twice", "add3"), functionNames(o.program("xdp_small")));
        assertEquals(List.of("tc_len", "clamp", "twice", "add3"), functionNames(o.program("tc_len")));
        // The global clamp is the same code in both programs that call it.
        assertEquals(functionCode(o.program("xdp_len"), "clamp"), functionCode(o.program("tc_len"), "clamp"));
        assertTrue(o.program("tc_len").lines().stream().anyMatch(l -> l.sourceLine().contains("return a + 3;")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"loop.v3.o", "loop.v4.o"})
    void boundedLoopAndCallback(String name) {
        BpfObject o = load(name);
        Program sum = o.program("xdp_sum").program();
        boolean backEdge = false;
        for (int i = 0; i < sum.size(); i++) {
            if ((sum.get(i) instanceof Insn.Jump || sum.get(i) instanceof Insn.Goto) && sum.branchTarget(i) <= sum.slot(i)) backEdge = true;
        }
        assertTrue(backEdge, "the loop is not unrolled");
        ProgramDef squares = o.program("sum_squares");
        assertEquals(List.of("sum_squares", "square"), functionNames(squares));
        int square = squares.functions().get(1).slot();
        Program prog = squares.program();
        int funcRefs = 0;
        for (int i = 0; i < prog.size(); i++) {
            if (prog.get(i) instanceof Insn.LoadImm64 l && l.source() == LddwSource.FUNC) {
                assertEquals(square, prog.branchTarget(i));
                funcRefs++;
            }
        }
        assertEquals(1, funcRefs);
        assertEquals(List.of(181), helperCalls(squares));
    }

    @ParameterizedTest
    @ValueSource(strings = {"atomics.v3.o", "atomics.v4.o"})
    void atomics(String name) {
        BpfObject o = load(name);
        assertEquals(MapDef.map("stats", MapType.ARRAY, 4, 32, 1, 0), o.maps().get(0));
        assertEquals(".bss", o.maps().get(1).name());
        Set<String> ops = new HashSet<>();
        for (Insn i : o.program("xdp_atomics").program().insns()) {
            if (i instanceof Insn.Atomic a) ops.add(a.op() + (a.fetch() ? "+fetch" : "") + "/" + a.size());
        }
        assertEquals(Set.of("ADD/DW", "ADD+fetch/DW", "CMPXCHG+fetch/W", "OR+fetch/W", "AND/W", "XOR/DW", "XCHG+fetch/DW"), ops);
    }

    @Test
    void v4Instructions() {
        BpfObject o = load("v4_ops.v4.o");
        Program p = o.program("v4_ops").program();
        Set<String> seen = new HashSet<>();
        for (Insn i : p.insns()) {
            switch (i) {
                case Insn.Alu a when a.op() == AluOp.SDIV || a.op() == AluOp.SMOD || a.op().isMovsx() -> seen.add(a.op().name());
                case Insn.Load l when l.signExtend() -> seen.add("LDXS" + l.size());
                case Insn.Endian e when e.op() == EndianOp.BSWAP -> seen.add("BSWAP" + e.bits());
                case Insn.Goto g when g.wide() -> seen.add("GOTOL");
                default -> {
                }
            }
        }
        assertEquals(Set.of("SDIV", "SMOD", "MOVSX8", "MOVSX16", "LDXS" + Size.B, "LDXS" + Size.H, "LDXS" + Size.W, "BSWAP32", "GOTOL"), seen);
        assertEquals(".data", o.maps().getFirst().name());
        assertArrayEquals(new byte[] {-1, -2, 3, 4, (byte) 0xd4, (byte) 0xfe, 0x2c, 0x01}, o.maps().getFirst().initialValue());
    }

    // ---- helpers ----

    static long[] rawSlots(ElfFile elf, ElfSection s) {
        byte[] b = elf.contents(s);
        long[] out = new long[b.length / 8];
        for (int i = 0; i < out.length; i++) {
            for (int k = 7; k >= 0; k--) out[i] = (out[i] << 8) | (b[i * 8 + k] & 0xff);
        }
        return out;
    }

    static long countLddw(ProgramDef p, LddwSource source, int imm) {
        return p.program().insns().stream().filter(i -> i instanceof Insn.LoadImm64 l && l.source() == source && l.imm() == imm).count();
    }

    static List<Integer> helperCalls(ProgramDef p) {
        List<Integer> out = new ArrayList<>();
        for (Insn i : p.program().insns()) {
            if (i instanceof Insn.Call c && c.kind() == CallKind.HELPER && !out.contains(c.imm())) out.add(c.imm());
        }
        return out.stream().sorted().toList();
    }

    static List<String> functionNames(ProgramDef p) {
        return p.functions().stream().map(ProgramDef.Function::name).toList();
    }

    static List<Insn> functionCode(ProgramDef p, String name) {
        List<ProgramDef.Function> fs = p.functions();
        for (int k = 0; k < fs.size(); k++) {
            if (!fs.get(k).name().equals(name)) continue;
            int from = p.program().indexAtSlot(fs.get(k).slot());
            int to = k + 1 < fs.size() ? p.program().indexAtSlot(fs.get(k + 1).slot()) : p.program().size();
            return p.program().insns().subList(from, to);
        }
        throw new AssertionError(name + " not linked into " + p.name());
    }
}

package dev.ebpfc.frontend.elf;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.ProgramDef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Loads a BPF ELF object (as clang `-target bpf` writes it) into a [BpfObject]:
/// - programs: every function symbol in an executable section other than `.text`, in section
///   then offset order, each linked with the subprograms it reaches (see [ProgramLinker]);
/// - maps, in this index order: legacy `maps` definitions, BTF `.maps` definitions (each by
///   symbol offset), then one map per non-empty global data section (`.data*`, `.rodata*`,
///   `.bss*`) in section order, read-only for `.rodata*`;
/// - the `license` string ("" when there is no license section);
/// - line info from `.BTF.ext`, mapped onto the linked programs' slots.
///
/// Every failure is an [ElfException] (a [FrontendException]) whose message starts with `origin`.
public final class ObjectLoader {
    private ObjectLoader() {
    }

    public static BpfObject load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException | OutOfMemoryError e) {
            throw new FrontendException(path + ": cannot read: " + e.getMessage(), e);
        }
        return load(bytes, path.toString());
    }

    public static BpfObject load(byte[] bytes, String origin) {
        ElfFile elf = ElfFile.parse(bytes, origin);

        ElfSection btfSection = elf.section(".BTF");
        Btf btf = btfSection == null ? null : Btf.parse(elf.contents(btfSection), origin, btfSection.where());
        ElfSection extSection = elf.section(".BTF.ext");
        BtfExt ext = extSection == null || btf == null ? null : BtfExt.parse(elf.contents(extSection), btf, origin, extSection.where());

        // Maps: where each defining section's maps start in the index space.
        List<MapDef> maps = new ArrayList<>();
        Map<Integer, List<MapSections.PlacedMap>> mapSections = new LinkedHashMap<>();
        Map<Integer, Integer> mapBase = new HashMap<>();
        for (ElfSection s : elf.sections()) {
            if (s.name().equals("maps") && s.type() == ElfSection.SHT_PROGBITS) addMaps(maps, mapSections, mapBase, s, MapSections.legacy(elf, s));
        }
        for (ElfSection s : elf.sections()) {
            if (s.name().equals(".maps") && s.type() == ElfSection.SHT_PROGBITS) addMaps(maps, mapSections, mapBase, s, MapSections.btf(elf, s, btf));
        }
        Map<Integer, Integer> dataMaps = new HashMap<>();
        for (ElfSection s : elf.sections()) {
            if (!isGlobalData(s) || s.size() == 0) continue;
            dataMaps.put(s.index(), maps.size());
            maps.add(MapDef.globalData(s.name(), elf.contents(s), s.name().startsWith(".rodata")));
        }

        ProgramLinker.DataResolver resolver = (sym, offset, where) -> {
            ElfSection s = elf.section(sym.shndx());
            if (mapSections.containsKey(s.index())) {
                List<MapSections.PlacedMap> placed = mapSections.get(s.index());
                for (int i = 0; i < placed.size(); i++) {
                    if (placed.get(i).offset() == offset) return new int[] {LddwSource.MAP_IDX.code(), mapBase.get(s.index()) + i, 0};
                }
                throw elf.fail(where, "lddw refers to " + sym + " at offset " + offset + " of " + s.where() + ", where no map starts");
            }
            Integer index = dataMaps.get(s.index());
            if (index != null) {
                if (offset < 0 || offset > s.size()) {
                    throw elf.fail(where, "lddw refers to " + sym + " at offset " + offset + ", outside " + s.where() + " (" + s.size() + " bytes)");
                }
                return new int[] {LddwSource.MAP_IDX_VALUE.code(), index, (int) offset};
            }
            throw elf.fail(where, "lddw refers to " + sym + " in " + s.where() + ", which holds neither maps, global data nor code");
        };

        Map<Integer, ProgramLinker.CodeSection> code = new LinkedHashMap<>();
        List<ProgramLinker.Function> entries = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (!s.isExecutable()) continue;
            List<ProgramLinker.Function> functions = functions(elf, s);
            code.put(s.index(), new ProgramLinker.CodeSection(s, slots(elf, s), relocations(elf, s), ProgramLinker.byStart(functions)));
            if (!s.name().equals(".text")) entries.addAll(functions);
        }
        if (entries.isEmpty()) throw elf.fail("section headers", "no programs: no function symbol in an executable section other than .text");

        ProgramLinker linker = new ProgramLinker(elf, code, resolver, maps.size(), ext);
        List<ProgramDef> programs = new ArrayList<>();
        for (ProgramLinker.Function entry : entries) programs.add(linker.link(entry));
        return new BpfObject(origin, programs, maps, license(elf));
    }

    private static void addMaps(List<MapDef> maps, Map<Integer, List<MapSections.PlacedMap>> sections, Map<Integer, Integer> base,
                                ElfSection s, List<MapSections.PlacedMap> placed) {
        sections.put(s.index(), placed);
        base.put(s.index(), maps.size());
        for (MapSections.PlacedMap p : placed) maps.add(p.def());
    }

    private static boolean isGlobalData(ElfSection s) {
        if (s.type() != ElfSection.SHT_PROGBITS && s.type() != ElfSection.SHT_NOBITS) return false;
        if ((s.flags() & ElfSection.SHF_EXECINSTR) != 0) return false;
        String n = s.name();
        for (String prefix : new String[] {".data", ".rodata", ".bss"}) {
            if (n.equals(prefix) || n.startsWith(prefix + ".")) return true;
        }
        return false;
    }

    /// The section's code as 64-bit slots.
    private static long[] slots(ElfFile elf, ElfSection s) {
        if (s.size() % 8 != 0) throw elf.fail(s.where(), "code size " + s.size() + " is not a multiple of 8");
        byte[] b = elf.contents(s);
        long[] slots = new long[b.length / 8];
        for (int i = 0; i < slots.length; i++) {
            long v = 0;
            for (int k = 7; k >= 0; k--) v = (v << 8) | (b[i * 8 + k] & 0xff);
            slots[i] = v;
        }
        return slots;
    }

    /// Relocations of a code section by slot: aligned, inside the section, at most one per slot.
    private static Map<Integer, ElfRelocation> relocations(ElfFile elf, ElfSection s) {
        Map<Integer, ElfRelocation> bySlot = new HashMap<>();
        ElfSection rel = elf.relocationSectionFor(s);
        if (rel == null) return bySlot;
        for (ElfRelocation r : elf.relocations(rel)) {
            if (r.offset() < 0 || r.offset() % 8 != 0 || r.offset() >= s.size()) {
                throw elf.fail(rel.where(), "relocation at offset 0x" + Long.toHexString(r.offset()) + " is not an instruction of " + s.where()
                        + " (" + s.size() + " bytes)");
            }
            ElfRelocation previous = bySlot.put((int) (r.offset() / 8), r);
            if (previous != null) throw elf.fail(rel.where(), "two relocations at offset 0x" + Long.toHexString(r.offset()));
        }
        return bySlot;
    }

    /// The function symbols of a code section with their extents: `st_size` when set, else up to
    /// the next function or the section end. Functions must be aligned, inside and disjoint.
    private static List<ProgramLinker.Function> functions(ElfFile elf, ElfSection s) {
        List<ElfSymbol> syms = new ArrayList<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.type() == ElfSymbol.STT_FUNC && sym.shndx() == s.index()) syms.add(sym);
        }
        syms.sort(Comparator.comparingLong(ElfSymbol::value).thenComparingInt(ElfSymbol::index));
        List<ProgramLinker.Function> out = new ArrayList<>();
        long slots = s.size() / 8;
        for (int i = 0; i < syms.size(); i++) {
            ElfSymbol sym = syms.get(i);
            String where = s.where(sym.value());
            if (sym.value() < 0 || sym.value() % 8 != 0 || sym.value() / 8 >= slots) {
                throw elf.fail(where, "function " + sym.name() + " does not start on an instruction of the section (" + s.size() + " bytes)");
            }
            long start = sym.value() / 8;
            long next = i + 1 < syms.size() ? syms.get(i + 1).value() / 8 : slots;
            long end;
            if (sym.size() == 0) {
                end = next;
            } else {
                if (sym.size() < 0 || sym.size() % 8 != 0 || sym.size() / 8 > slots - start) {
                    throw elf.fail(where, "function " + sym.name() + " of size " + sym.size() + " does not fit the section (" + s.size() + " bytes)");
                }
                end = start + sym.size() / 8;
            }
            if (end > next || end <= start) {
                throw elf.fail(where, "function " + sym.name() + " overlaps function " + syms.get(i + 1).name());
            }
            out.add(new ProgramLinker.Function(sym.name(), s, (int) start, (int) end));
        }
        return out;
    }

    /// The `license` section's string, up to its NUL.
    private static String license(ElfFile elf) {
        ElfSection s = elf.section("license");
        if (s == null) return "";
        byte[] b = elf.contents(s);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}

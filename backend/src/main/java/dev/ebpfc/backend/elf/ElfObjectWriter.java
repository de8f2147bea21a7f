package dev.ebpfc.backend.elf;

import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Writes a compiled program as an ELF64 relocatable object (`ET_REL`) a C toolchain links into a
/// host program: ahead-of-time compilation. The ABI is docs/aot-abi.md; in short:
///
/// - `.text`: the code and its constant pool; global function `NAME` at the entry, called as
///   `uint64_t NAME(uint64_t r1, uint64_t r2, uint64_t r10_top)` (docs/native-abi.md).
/// - every pool entry is an absolute 64-bit relocation ([Machine#abs64]): helpers against the
///   undefined symbols `ebpfc_helper_<id>`, runtime entries against `ebpfc_runtime_error`,
///   `ebpfc_load_packet`, `ebpfc_resolve_callx`, `ebpfc_helper_by_id`; map handles against the
///   map's descriptor, map value addresses against its value storage, code addresses against
///   `.text`.
/// - the maps live in the object: `NAME_maps` (in `.data`) is an array of `struct ebpfc_map`
///   descriptors (64 bytes each, in map-index order), each pointing at its value storage (`.data`
///   with the initial bytes of global data, `.bss` otherwise); `NAME_map_count` (`.rodata`, u32)
///   says how many. A map handle is the address of its descriptor.
///
/// - RISC-V objects carry a `.riscv.attributes` section naming the ISA the code needs (the
///   extensions it was compiled with), so the linker merges it into the executable's and
///   objdump decodes Zba/Zbb instructions.
///
/// Target-independent: only the machine number, the relocation type and that attribute differ per
/// ISA.
public final class ElfObjectWriter {
    private ElfObjectWriter() {
    }

    /// The ELF machines ebpfc targets, with the relocation that writes a symbol's absolute 64-bit
    /// address (+ addend) into 8 bytes.
    public enum Machine {
        /// EM_X86_64 (62), R_X86_64_64 (1).
        X86_64(62, 1),
        /// EM_AARCH64 (183), R_AARCH64_ABS64 (257).
        AARCH64(183, 257),
        /// EM_RISCV (243), R_RISCV_64 (2); flags: double-float ABI (EF_RISCV_FLOAT_ABI_DOUBLE).
        RISCV(243, 2);

        public final int em;
        public final int abs64;

        Machine(int em, int abs64) {
            this.em = em;
            this.abs64 = abs64;
        }

        /// The machine of a `Target` name (`x86_64`, `arm64`, `riscv64`).
        public static Machine ofTarget(String target) {
            return switch (target) {
                case "x86_64" -> X86_64;
                case "arm64", "aarch64" -> AARCH64;
                case "riscv64" -> RISCV;
                default -> throw new IllegalArgumentException("no ELF machine for target " + target);
            };
        }

        int flags() {
            return this == RISCV ? 0x4 : 0;
        }
    }

    /// Bytes of one `struct ebpfc_map` descriptor.
    public static final int DESCRIPTOR_SIZE = 64;

    /// The undefined symbol a pool entry that calls out refers to.
    public static String symbolOf(PoolEntry.Runtime r) {
        return switch (r.entry()) {
            case ERROR -> "ebpfc_runtime_error";
            case LOAD_PACKET -> "ebpfc_load_packet";
            case RESOLVE_CALLX -> "ebpfc_resolve_callx";
            case HELPER_BY_ID -> "ebpfc_helper_by_id";
        };
    }

    public static String symbolOf(PoolEntry.Helper h) {
        return "ebpfc_helper_" + h.id();
    }

    /// `name` as a C identifier: other characters become `_`, a leading digit gets a `_`.
    public static String cName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]", "_");
        return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    /// Bytes between consecutive values of map `m`, as the runtime lays them out.
    public static int valueStride(MapDef m) {
        if (m.type() == MapType.RINGBUF) return 1;
        if (m.globalData()) return m.valueSize();
        return Math.max(8, (m.valueSize() + 7) & ~7);
    }

    private static final int SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8;
    private static final int SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_INFO_LINK = 0x40;
    private static final int STB_LOCAL = 0, STB_GLOBAL = 1, STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3;
    // Section indexes, in file order.
    private static final int TEXT = 1, DATA = 2, BSS = 3, RODATA = 4, RELA_TEXT = 5, RELA_DATA = 6, SYMTAB = 7, STRTAB = 8, SHSTRTAB = 9,
            NOTE_STACK = 10, ATTRIBUTES = 11, SECTIONS = 12;
    private static final String[] SECTION_NAMES = {"", ".text", ".data", ".bss", ".rodata", ".rela.text", ".rela.data", ".symtab", ".strtab",
        ".shstrtab", ".note.GNU-stack", ".riscv.attributes"};
    /// SHT_RISCV_ATTRIBUTES (RISC-V ELF psABI, "Section Types").
    private static final int SHT_RISCV_ATTRIBUTES = 0x70000003;

    private record Symbol(String name, int bind, int type, int section, long value, long size) {
    }

    private record Rela(long offset, int symbol, long addend) {
    }

    /// The object for `code` (one program; `name` becomes its function symbol, as a C
    /// identifier) with the program's maps, in map-index order. RISC-V code is recorded as
    /// needing the baseline RV64IMA.
    public static byte[] write(CompiledProgram code, String name, List<MapDef> maps, Machine machine) {
        return write(code, name, maps, machine, machine == Machine.RISCV ? "rv64i2p1_m2p0_a2p1" : null);
    }

    /// The same with RISC-V's arch attribute `riscvArch` (an ISA string such as
    /// `rv64i2p1_m2p0_a2p1_zba1p0_zbb1p0`: what the code was compiled for); null for other machines.
    public static byte[] write(CompiledProgram code, String name, List<MapDef> maps, Machine machine, String riscvArch) {
        if ((riscvArch != null) != (machine == Machine.RISCV)) {
            throw new IllegalArgumentException("an arch attribute is for RISC-V objects only, and they need one");
        }
        int sections = riscvArch != null ? SECTIONS : ATTRIBUTES;
        String fn = cName(name);
        // .data: descriptors, then initialised values; .bss: the other values; .rodata: count, names.
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(new byte[DESCRIPTOR_SIZE * maps.size()]);
        long bss = 0;
        ByteArrayOutputStream rodata = new ByteArrayOutputStream();
        rodata.writeBytes(le32(maps.size()));
        long[] valuesAt = new long[maps.size()];
        boolean[] valuesInData = new boolean[maps.size()];
        long[] nameAt = new long[maps.size()];
        for (int i = 0; i < maps.size(); i++) {
            MapDef m = maps.get(i);
            long size = (long) valueStride(m) * m.maxEntries();
            byte[] init = m.initialValue();
            if (init != null) {
                align(data, 16);
                valuesAt[i] = data.size();
                valuesInData[i] = true;
                byte[] v = new byte[Math.toIntExact(size)];
                System.arraycopy(init, 0, v, 0, init.length);
                data.writeBytes(v);
            } else {
                bss = (bss + 15) & ~15L;
                valuesAt[i] = bss;
                bss += size;
            }
            nameAt[i] = rodata.size();
            rodata.writeBytes(m.name().getBytes(StandardCharsets.UTF_8));
            rodata.write(0);
        }
        byte[] dataBytes = data.toByteArray();
        ByteBuffer d = ByteBuffer.wrap(dataBytes).order(ByteOrder.LITTLE_ENDIAN);

        // Symbols: the null one, section symbols, then globals (defined, then undefined).
        List<Symbol> symbols = new ArrayList<>();
        symbols.add(new Symbol("", STB_LOCAL, STT_NOTYPE, 0, 0, 0));
        for (int s : new int[]{TEXT, DATA, BSS, RODATA}) symbols.add(new Symbol("", STB_LOCAL, STT_SECTION, s, 0, 0));
        int firstGlobal = symbols.size();
        symbols.add(new Symbol(fn, STB_GLOBAL, STT_FUNC, TEXT, code.entryOffset(), code.codeSize() - code.entryOffset()));
        symbols.add(new Symbol(fn + "_maps", STB_GLOBAL, STT_OBJECT, DATA, 0, (long) DESCRIPTOR_SIZE * maps.size()));
        symbols.add(new Symbol(fn + "_map_count", STB_GLOBAL, STT_OBJECT, RODATA, 0, 4));
        Map<String, Integer> undefined = new LinkedHashMap<>();
        int textSym = 1, dataSym = 2, bssSym = 3, rodataSym = 4;

        List<Rela> relaText = new ArrayList<>();
        int[] slotOffsets = code.slotOffsets();
        for (int i = 0; i < code.pool().size(); i++) {
            long at = code.poolOffset() + 8L * i;
            Rela r = switch (code.pool().get(i)) {
                case PoolEntry.MapHandle h -> new Rela(at, dataSym, (long) DESCRIPTOR_SIZE * checkMap(h.map(), maps));
                case PoolEntry.MapValue v -> {
                    int m = checkMap(v.map(), maps);
                    yield new Rela(at, valuesInData[m] ? dataSym : bssSym, valuesAt[m] + v.offset());
                }
                case PoolEntry.CodeAddress c -> new Rela(at, textSym, slotOffsets[c.slot()]);
                case PoolEntry.Helper h -> new Rela(at, undefinedSymbol(symbolOf(h), undefined, symbols), 0);
                case PoolEntry.Runtime rt -> new Rela(at, undefinedSymbol(symbolOf(rt), undefined, symbols), 0);
            };
            relaText.add(r);
        }
        List<Rela> relaData = new ArrayList<>();
        for (int i = 0; i < maps.size(); i++) {
            MapDef m = maps.get(i);
            int at = DESCRIPTOR_SIZE * i;
            relaData.add(new Rela(at, rodataSym, nameAt[i]));
            d.putInt(at + 8, m.type().id);
            d.putInt(at + 12, m.keySize());
            d.putInt(at + 16, m.valueSize());
            d.putInt(at + 20, m.maxEntries());
            d.putInt(at + 24, m.flags());
            d.putInt(at + 28, valueStride(m));
            relaData.add(new Rela(at + 32, valuesInData[i] ? dataSym : bssSym, valuesAt[i]));
            d.putLong(at + 40, (long) valueStride(m) * m.maxEntries());
            // at + 48: void *host, zero: the host's own state for the map.
            d.putInt(at + 56, (m.readOnly() ? 1 : 0) | (m.globalData() ? 2 : 0));
        }

        // String tables.
        ByteArrayOutputStream strtab = new ByteArrayOutputStream();
        strtab.write(0);
        int[] nameOffsets = new int[symbols.size()];
        for (int i = 0; i < symbols.size(); i++) {
            if (symbols.get(i).name().isEmpty()) continue;
            nameOffsets[i] = strtab.size();
            strtab.writeBytes(symbols.get(i).name().getBytes(StandardCharsets.UTF_8));
            strtab.write(0);
        }
        ByteArrayOutputStream shstrtab = new ByteArrayOutputStream();
        int[] shName = new int[sections];
        for (int s = 1; s < sections; s++) {
            if (s == 1) shstrtab.write(0);
            shName[s] = shstrtab.size();
            shstrtab.writeBytes(SECTION_NAMES[s].getBytes(StandardCharsets.US_ASCII));
            shstrtab.write(0);
        }
        ByteBuffer symtab = ByteBuffer.allocate(24 * symbols.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < symbols.size(); i++) {
            Symbol s = symbols.get(i);
            symtab.putInt(nameOffsets[i]);
            symtab.put((byte) (s.bind() << 4 | s.type()));
            symtab.put((byte) 0); // STV_DEFAULT
            symtab.putShort((short) s.section());
            symtab.putLong(s.value());
            symtab.putLong(s.size());
        }

        // Layout: header, then each section's bytes (8-aligned), then the section header table.
        byte[][] contents = new byte[sections][];
        contents[TEXT] = code.code();
        contents[DATA] = dataBytes;
        contents[BSS] = new byte[0];
        contents[RODATA] = rodata.toByteArray();
        contents[RELA_TEXT] = rela(relaText, machine);
        contents[RELA_DATA] = rela(relaData, machine);
        contents[SYMTAB] = symtab.array();
        contents[STRTAB] = strtab.toByteArray();
        contents[SHSTRTAB] = shstrtab.toByteArray();
        contents[NOTE_STACK] = new byte[0];
        if (riscvArch != null) contents[ATTRIBUTES] = riscvAttributes(riscvArch);
        long[] offsets = new long[sections];
        long pos = 64;
        for (int s = 1; s < sections; s++) {
            pos = (pos + 15) & ~15L;
            offsets[s] = pos;
            pos += contents[s].length;
        }
        long shoff = (pos + 7) & ~7L;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(shoff + 64L * sections)).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header (System V gABI, "ELF Header").
        out.put(new byte[]{0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */, 0 /* ELFOSABI_NONE */});
        out.put(new byte[8]);
        out.putShort((short) 1);              // e_type ET_REL
        out.putShort((short) machine.em);     // e_machine
        out.putInt(1);                        // e_version
        out.putLong(0);                       // e_entry
        out.putLong(0);                       // e_phoff
        out.putLong(shoff);                   // e_shoff
        out.putInt(machine.flags());          // e_flags
        out.putShort((short) 64);             // e_ehsize
        out.putShort((short) 0);              // e_phentsize
        out.putShort((short) 0);              // e_phnum
        out.putShort((short) 64);             // e_shentsize
        out.putShort((short) sections);       // e_shnum
        out.putShort((short) SHSTRTAB);       // e_shstrndx
        for (int s = 1; s < sections; s++) out.put((int) offsets[s], contents[s]);
        out.position((int) shoff);
        out.put(new byte[64]); // section 0
        section(out, shName[TEXT], SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, offsets[TEXT], contents[TEXT].length, 0, 0, 16, 0);
        section(out, shName[DATA], SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, offsets[DATA], contents[DATA].length, 0, 0, 16, 0);
        section(out, shName[BSS], SHT_NOBITS, SHF_ALLOC | SHF_WRITE, offsets[BSS], bss, 0, 0, 16, 0);
        section(out, shName[RODATA], SHT_PROGBITS, SHF_ALLOC, offsets[RODATA], contents[RODATA].length, 0, 0, 8, 0);
        section(out, shName[RELA_TEXT], SHT_RELA, SHF_INFO_LINK, offsets[RELA_TEXT], contents[RELA_TEXT].length, SYMTAB, TEXT, 8, 24);
        section(out, shName[RELA_DATA], SHT_RELA, SHF_INFO_LINK, offsets[RELA_DATA], contents[RELA_DATA].length, SYMTAB, DATA, 8, 24);
        section(out, shName[SYMTAB], SHT_SYMTAB, 0, offsets[SYMTAB], contents[SYMTAB].length, STRTAB, firstGlobal, 8, 24);
        section(out, shName[STRTAB], SHT_STRTAB, 0, offsets[STRTAB], contents[STRTAB].length, 0, 0, 1, 0);
        section(out, shName[SHSTRTAB], SHT_STRTAB, 0, offsets[SHSTRTAB], contents[SHSTRTAB].length, 0, 0, 1, 0);
        section(out, shName[NOTE_STACK], SHT_PROGBITS, 0, offsets[NOTE_STACK], 0, 0, 0, 1, 0);
        if (riscvArch != null) {
            section(out, shName[ATTRIBUTES], SHT_RISCV_ATTRIBUTES, 0, offsets[ATTRIBUTES], contents[ATTRIBUTES].length, 0, 0, 1, 0);
        }
        return out.array();
    }

    /// The attributes section (RISC-V ELF psABI, "Attributes"; the layout of Arm's build
    /// attributes): format version 'A', then one vendor subsection "riscv" holding one file-scope
    /// sub-subsection (Tag_File = 1) with Tag_RISCV_stack_align (4) = 16 and Tag_RISCV_arch (5)
    /// = the ISA string. Lengths are u32 and count themselves; tags and integers are ULEB128 (all
    /// below 128 here, so one byte each).
    private static byte[] riscvAttributes(String arch) {
        byte[] archZ = (arch + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] vendor = "riscv\0".getBytes(StandardCharsets.US_ASCII);
        int file = 1 + 4 + 2 + 1 + archZ.length;
        int subsection = 4 + vendor.length + file;
        ByteBuffer b = ByteBuffer.allocate(1 + subsection).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'A').putInt(subsection).put(vendor);
        b.put((byte) 1).putInt(file);
        b.put((byte) 4).put((byte) 16);
        b.put((byte) 5).put(archZ);
        return b.array();
    }

    private static int checkMap(int map, List<MapDef> maps) {
        if (map < 0 || map >= maps.size()) throw new IllegalArgumentException("lddw refers to map " + map + ", but the object has " + maps.size() + " maps");
        return map;
    }

    private static int undefinedSymbol(String name, Map<String, Integer> undefined, List<Symbol> symbols) {
        return undefined.computeIfAbsent(name, n -> {
            symbols.add(new Symbol(n, STB_GLOBAL, STT_NOTYPE, 0, 0, 0));
            return symbols.size() - 1;
        });
    }

    private static byte[] rela(List<Rela> relocations, Machine machine) {
        ByteBuffer b = ByteBuffer.allocate(24 * relocations.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Rela r : relocations) {
            b.putLong(r.offset());
            b.putLong((long) r.symbol() << 32 | machine.abs64);
            b.putLong(r.addend());
        }
        return b.array();
    }

    private static void section(ByteBuffer out, int name, int type, long flags, long offset, long size, int link, int info, long align, long entsize) {
        out.putInt(name);
        out.putInt(type);
        out.putLong(flags);
        out.putLong(0); // sh_addr
        out.putLong(offset);
        out.putLong(size);
        out.putInt(link);
        out.putInt(info);
        out.putLong(align);
        out.putLong(entsize);
    }

    private static void align(ByteArrayOutputStream b, int to) {
        while (b.size() % to != 0) b.write(0);
    }

    private static byte[] le32(int v) {
        return new byte[]{(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /// The runtime entries and helpers an object of `code` leaves undefined, for messages and docs.
    public static List<String> undefinedSymbols(CompiledProgram code) {
        List<String> out = new ArrayList<>();
        for (PoolEntry e : code.pool()) {
            if (e instanceof PoolEntry.Helper h && !out.contains(symbolOf(h))) out.add(symbolOf(h));
            if (e instanceof PoolEntry.Runtime r && !out.contains(symbolOf(r))) out.add(symbolOf(r));
        }
        return out;
    }

    static {
        // Every runtime entry has a symbol (a new entry must be named here).
        for (RuntimeEntry e : RuntimeEntry.values()) symbolOf(new PoolEntry.Runtime(e));
    }
}

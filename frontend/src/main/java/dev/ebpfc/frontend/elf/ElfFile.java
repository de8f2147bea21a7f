package dev.ebpfc.frontend.elf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/// A strict reader for ELF64 little-endian relocatable objects for BPF (System V gABI, "Object
/// Files"): the header, section headers and their names, the symbol table and `SHT_REL`
/// relocations. Every offset, size, count and index is checked against the file before use, so a
/// malformed file gives an [ElfException] naming the offset or section, never another exception;
/// nothing is allocated beyond the size of the file (except `SHT_NOBITS` contents, capped).
public final class ElfFile {
    public static final int EM_BPF = 247;
    public static final int ET_REL = 1;
    /// Largest `SHT_NOBITS` section materialised: more than any kernel map value may hold
    /// (`KMALLOC_MAX_SIZE`, 4 MiB on x86_64), so a huge `.bss` is refused rather than allocated.
    public static final long MAX_NOBITS = 4L << 20;

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;

    private final String origin;
    private final byte[] data;
    private final List<ElfSection> sections;
    private final List<ElfSymbol> symbols;
    private final ElfSection symtab;

    private ElfFile(String origin, byte[] data, List<ElfSection> sections, List<ElfSymbol> symbols, ElfSection symtab) {
        this.origin = origin;
        this.data = data;
        this.sections = sections;
        this.symbols = symbols;
        this.symtab = symtab;
    }

    public static ElfFile parse(byte[] data, String origin) {
        return new Parser(data, origin).parse();
    }

    public String origin() {
        return origin;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    public ElfSection section(int index) {
        return sections.get(index);
    }

    /// The first section called `name`, or null.
    public ElfSection section(String name) {
        for (ElfSection s : sections) {
            if (s.name().equals(name)) return s;
        }
        return null;
    }

    /// All symbols, index 0 (the reserved null symbol) included; empty when there is no symbol table.
    public List<ElfSymbol> symbols() {
        return symbols;
    }

    /// The section's bytes: a copy of the file range, or zeros for `SHT_NOBITS`.
    public byte[] contents(ElfSection s) {
        if (s.type() == ElfSection.SHT_NOBITS) {
            if (s.size() > MAX_NOBITS) {
                throw fail(s.where(), "size " + s.size() + " is over the " + MAX_NOBITS + "-byte limit for zero-filled sections");
            }
            return new byte[(int) s.size()];
        }
        if (s.type() == ElfSection.SHT_NULL) return new byte[0];
        return Arrays.copyOfRange(data, (int) s.offset(), (int) (s.offset() + s.size()));
    }

    /// The `SHT_REL` section that patches `target`, or null. More than one is an error.
    public ElfSection relocationSectionFor(ElfSection target) {
        ElfSection found = null;
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_RELA && s.info() == target.index()) {
                throw fail(s.where(), "RELA relocations are not used for BPF (clang emits REL)");
            }
            if (s.type() != ElfSection.SHT_REL || s.info() != target.index()) continue;
            if (found != null) throw fail(s.where(), "second relocation section for " + target.where() + " (first is " + found.where() + ")");
            found = s;
        }
        return found;
    }

    /// The entries of an `SHT_REL` section, with symbol indices checked against the symbol table.
    public List<ElfRelocation> relocations(ElfSection rel) {
        if (rel.type() != ElfSection.SHT_REL) throw fail(rel.where(), "is not a REL section (type " + rel.type() + ")");
        if (rel.entsize() != REL_SIZE) throw fail(rel.where(), "entry size " + rel.entsize() + ", expected " + REL_SIZE);
        if (rel.size() % REL_SIZE != 0) throw fail(rel.where(), "size " + rel.size() + " is not a multiple of " + REL_SIZE);
        if (symtab == null || rel.link() != symtab.index()) {
            throw fail(rel.where(), "links to section " + rel.link() + ", not the symbol table"
                    + (symtab == null ? " (there is none)" : " (section " + symtab.index() + ")"));
        }
        int count = (int) (rel.size() / REL_SIZE);
        List<ElfRelocation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = (int) rel.offset() + i * REL_SIZE;
            long offset = u64(at);
            long info = u64(at + 8);
            long sym = info >>> 32;
            if (sym >= symbols.size()) {
                throw fail(rel.where(), "relocation " + i + " (offset 0x" + Long.toHexString(offset) + ") names symbol " + sym
                        + ", beyond the " + symbols.size() + " symbols");
            }
            out.add(new ElfRelocation(offset, (int) info, (int) sym));
        }
        return out;
    }

    ElfException fail(String where, String why) {
        return new ElfException(origin, where, why);
    }

    private long u64(int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (data[at + i] & 0xff);
        return v;
    }

    /// Reads and checks everything once; the resulting [ElfFile] only holds checked values.
    private static final class Parser {
        private final byte[] data;
        private final String origin;

        Parser(byte[] data, String origin) {
            this.data = data;
            this.origin = origin;
        }

        ElfFile parse() {
            header();
            int shnum = u16(0x3c);
            long shoff = u64(0x28);
            int shstrndx = u16(0x3e);
            if (shoff == 0) {
                if (shnum != 0) throw fail("offset 0x28", "no section header table, but " + shnum + " sections");
                throw fail("offset 0x28", "no section header table (nothing to load)");
            }
            if (shoff < 0 || shoff > data.length || (data.length - shoff) / SHDR_SIZE < Math.max(shnum, 1)) {
                throw fail("offset 0x28", "section header table at 0x" + Long.toHexString(shoff) + " (" + Math.max(shnum, 1)
                        + " × " + SHDR_SIZE + " bytes) extends beyond the file (" + data.length + " bytes)");
            }
            if (shnum == 0) {
                // Extended numbering (gABI): the count is in the size field of section 0.
                long n = u64((int) shoff + 0x20);
                if (n < ElfSymbol.SHN_LORESERVE || (data.length - shoff) / SHDR_SIZE < n) {
                    throw fail("offset 0x" + Long.toHexString(shoff + 0x20), "extended section count " + Long.toUnsignedString(n)
                            + " does not fit in the file (" + data.length + " bytes)");
                }
                shnum = (int) n;
            }
            if (shstrndx == ElfSymbol.SHN_XINDEX) shstrndx = (int) u32((int) shoff + 0x28);
            if (shstrndx == 0 || shstrndx >= shnum) {
                throw fail("offset 0x3e", "section name table index " + shstrndx + " out of range (" + shnum + " sections)");
            }

            long[][] raw = new long[shnum][];
            for (int i = 0; i < shnum; i++) raw[i] = sectionHeader((int) (shoff + (long) i * SHDR_SIZE), i, shnum);
            checkOverlaps(raw, shoff, shnum);
            long[] names = raw[shstrndx];
            if (names[1] != ElfSection.SHT_STRTAB) {
                throw fail("section " + shstrndx, "section name table has type " + names[1] + ", not SHT_STRTAB (3)");
            }
            List<ElfSection> sections = new ArrayList<>(shnum);
            for (int i = 0; i < shnum; i++) {
                long[] h = raw[i];
                String name = i == 0 ? "" : string(names, (int) h[0], "section " + i + " name", "section " + shstrndx + " (section names)");
                sections.add(new ElfSection(i, name, (int) h[1], h[2], h[4], h[5], (int) h[6], (int) h[7], h[8], h[9]));
            }

            ElfSection symtab = null;
            for (ElfSection s : sections) {
                if (s.type() != ElfSection.SHT_SYMTAB) continue;
                if (symtab != null) throw fail(s.where(), "second symbol table (first is " + symtab.where() + ")");
                symtab = s;
            }
            for (ElfSection s : sections) {
                if (s.type() == ElfSection.SHT_REL && (s.info() <= 0 || s.info() >= shnum)) {
                    throw fail(s.where(), "relocates section " + Integer.toUnsignedString(s.info()) + ", out of range (" + shnum + " sections)");
                }
            }
            List<ElfSymbol> symbols = symtab == null ? List.of() : symbols(symtab, sections, raw);
            return new ElfFile(origin, data, List.copyOf(sections), symbols, symtab);
        }

        private void header() {
            if (data.length >= 4 && (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')) {
                throw fail("offset 0x0", String.format("not an ELF file (magic 7f 45 4c 46 expected, found %02x %02x %02x %02x)",
                        data[0], data[1], data[2], data[3]));
            }
            if (data.length < EHDR_SIZE) {
                throw fail("offset 0x0", "truncated ELF header: the file is " + data.length + " bytes, the ELF64 header needs " + EHDR_SIZE);
            }
            if (data[4] != 2) throw fail("offset 0x4", "ELF class " + data[4] + " is not ELFCLASS64 (2)");
            if (data[5] != 1) throw fail("offset 0x5", "data encoding " + data[5] + " is not little-endian (ELFDATA2LSB, 1)");
            if (data[6] != 1) throw fail("offset 0x6", "ELF version " + data[6] + ", expected 1");
            if (u16(0x10) != ET_REL) throw fail("offset 0x10", "ELF type " + u16(0x10) + " is not a relocatable object (ET_REL, 1)");
            if (u16(0x12) != EM_BPF) throw fail("offset 0x12", "machine " + u16(0x12) + " is not BPF (EM_BPF, " + EM_BPF + ")");
            if (u16(0x34) < EHDR_SIZE) throw fail("offset 0x34", "header size " + u16(0x34) + ", expected " + EHDR_SIZE);
            if (u16(0x3a) != SHDR_SIZE) throw fail("offset 0x3a", "section header size " + u16(0x3a) + ", expected " + SHDR_SIZE);
        }

        /// `{name, type, flags, addr, offset, size, link, info, addralign, entsize}`, checked.
        private long[] sectionHeader(int at, int index, int shnum) {
            long[] h = {u32(at), u32(at + 4), u64(at + 8), u64(at + 16), u64(at + 24), u64(at + 32),
                u32(at + 40), u32(at + 44), u64(at + 48), u64(at + 56)};
            String where = "section " + index + " (header at 0x" + Integer.toHexString(at) + ")";
            long type = h[1];
            long offset = h[4];
            long size = h[5];
            if (type != ElfSection.SHT_NOBITS && type != ElfSection.SHT_NULL) {
                if (offset < 0 || size < 0 || offset > data.length || size > data.length - offset) {
                    throw fail(where, "contents at 0x" + Long.toHexString(offset) + " + 0x" + Long.toHexString(size)
                            + " extend beyond the file (" + data.length + " bytes)");
                }
            } else if (size < 0) {
                throw fail(where, "size 0x" + Long.toHexString(size) + " is not a valid size");
            }
            if (h[6] >= shnum && type != ElfSection.SHT_NULL) {
                if (type == ElfSection.SHT_SYMTAB || type == ElfSection.SHT_REL || type == ElfSection.SHT_RELA) {
                    throw fail(where, "links to section " + h[6] + ", out of range (" + shnum + " sections)");
                }
            }
            return h;
        }

        /// Sections must not share bytes with each other, the ELF header or the section header table.
        private void checkOverlaps(long[][] raw, long shoff, int shnum) {
            List<long[]> ranges = new ArrayList<>();
            ranges.add(new long[] {0, EHDR_SIZE, -1});
            ranges.add(new long[] {shoff, shoff + (long) shnum * SHDR_SIZE, -2});
            for (int i = 0; i < raw.length; i++) {
                long type = raw[i][1];
                if (type == ElfSection.SHT_NOBITS || type == ElfSection.SHT_NULL || raw[i][5] == 0) continue;
                ranges.add(new long[] {raw[i][4], raw[i][4] + raw[i][5], i});
            }
            ranges.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[2]));
            for (int i = 1; i < ranges.size(); i++) {
                long[] a = ranges.get(i - 1);
                long[] b = ranges.get(i);
                if (b[0] < a[1]) {
                    String what = b[2] >= 0 ? "section " + b[2] : "the section header table";
                    throw fail(what + " (contents at 0x" + Long.toHexString(b[0]) + ")", "overlaps " + describe(a[2]));
                }
            }
        }

        private static String describe(long id) {
            return id == -1 ? "the ELF header" : id == -2 ? "the section header table" : "section " + id;
        }

        private List<ElfSymbol> symbols(ElfSection symtab, List<ElfSection> sections, long[][] raw) {
            if (symtab.entsize() != SYM_SIZE) throw fail(symtab.where(), "entry size " + symtab.entsize() + ", expected " + SYM_SIZE);
            if (symtab.size() % SYM_SIZE != 0) throw fail(symtab.where(), "size " + symtab.size() + " is not a multiple of " + SYM_SIZE);
            if (symtab.link() <= 0 || symtab.link() >= sections.size() || sections.get(symtab.link()).type() != ElfSection.SHT_STRTAB) {
                throw fail(symtab.where(), "links to section " + Integer.toUnsignedString(symtab.link()) + ", which is not a string table");
            }
            long[] strtab = raw[symtab.link()];
            String strtabName = sections.get(symtab.link()).where();
            int count = (int) (symtab.size() / SYM_SIZE);
            List<ElfSymbol> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int at = (int) symtab.offset() + i * SYM_SIZE;
                int info = data[at + 4] & 0xff;
                int shndx = u16(at + 6);
                int type = info & 0xf;
                if (shndx == ElfSymbol.SHN_XINDEX) {
                    throw fail(symtab.where(), "symbol " + i + " uses an extended section index (SHT_SYMTAB_SHNDX is not supported)");
                }
                if (shndx >= sections.size() && shndx < ElfSymbol.SHN_LORESERVE) {
                    throw fail(symtab.where(), "symbol " + i + " names section " + shndx + ", beyond the " + sections.size() + " sections");
                }
                String name = string(strtab, (int) u32(at), "symbol " + i + " name", strtabName);
                if (type == ElfSymbol.STT_SECTION && name.isEmpty() && shndx < sections.size()) name = sections.get(shndx).name();
                out.add(new ElfSymbol(i, name, u64(at + 8), u64(at + 16), type, info >>> 4, shndx));
            }
            return List.copyOf(out);
        }

        /// The NUL-terminated string at `index` of the string table whose header is `table`.
        private String string(long[] table, int index, String what, String tableName) {
            long size = table[5];
            if (index < 0 || index >= size) {
                throw fail(tableName, what + " at string index " + Integer.toUnsignedString(index) + " is beyond the table (size " + size + ")");
            }
            int start = (int) (table[4] + index);
            int end = (int) (table[4] + size);
            for (int i = start; i < end; i++) {
                if (data[i] == 0) return new String(data, start, i - start, java.nio.charset.StandardCharsets.UTF_8);
            }
            throw fail(tableName, what + " at string index " + index + " is not NUL-terminated inside the table");
        }

        private int u16(int at) {
            return (data[at] & 0xff) | (data[at + 1] & 0xff) << 8;
        }

        private long u32(int at) {
            return (data[at] & 0xffL) | (data[at + 1] & 0xffL) << 8 | (data[at + 2] & 0xffL) << 16 | (data[at + 3] & 0xffL) << 24;
        }

        private long u64(int at) {
            return u32(at) | u32(at + 4) << 32;
        }

        private ElfException fail(String where, String why) {
            return new ElfException(origin, where, why);
        }
    }
}

package dev.ebpfc.frontend.elf;

/// One section header of an ELF64 object (gABI "Sections"), with its name resolved. `offset` and
/// `size` have been checked to lie inside the file unless the type is `SHT_NOBITS`.
public record ElfSection(int index, String name, int type, long flags, long offset, long size, int link, int info,
                         long addralign, long entsize) {
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    public boolean isExecutable() {
        return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
    }

    /// How messages name the section: `section 3 (xdp)`.
    public String where() {
        return "section " + index + " (" + name + ")";
    }

    /// How messages name a byte offset inside the section.
    public String where(long byteOffset) {
        return where() + " offset 0x" + Long.toHexString(byteOffset);
    }
}

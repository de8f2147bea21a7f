package dev.ebpfc.frontend.elf;

/// One `Elf64_Sym` (gABI "Symbol Table"). `name` is the section's name for `STT_SECTION` symbols,
/// which have none of their own. `shndx` is the defining section, or one of the `SHN_*` values.
public record ElfSymbol(int index, String name, long value, long size, int type, int bind, int shndx) {
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    /// Whether the symbol is defined in a real section (not undefined, absolute or common).
    public boolean isDefined() {
        return shndx != SHN_UNDEF && shndx < SHN_LORESERVE;
    }

    @Override
    public String toString() {
        return "symbol " + index + " (" + (name.isEmpty() ? "unnamed" : name) + ")";
    }
}

package dev.ebpfc.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/// An ELF64 little-endian file (x86_64, AArch64 and RISC-V64 alike) as `ebpfc bench` needs it
/// (ELF gABI, "Program Header" and "Symbol Table"): the `PT_LOAD` segments of a statically linked
/// executable with their bytes, to load clang's linked builds into Unicorn, and the defined
/// symbols of any ELF file by name, whose function sizes are clang's code size.
final class ElfImage {
    private static final int PT_LOAD = 1, SHT_SYMTAB = 2;

    /// A loadable segment: `bytes` (the file part) at `address`, zero-filled up to `memorySize`.
    record Segment(long address, long memorySize, byte[] bytes) {
    }

    /// A symbol: its address, size and `STT_*` type.
    record Symbol(String name, long address, long size, int type) {
        static final int FUNC = 2;
    }

    final List<Segment> segments;
    final Map<String, Symbol> symbols;

    private ElfImage(List<Segment> segments, Map<String, Symbol> symbols) {
        this.segments = segments;
        this.symbols = symbols;
    }

    static ElfImage read(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < 64 || b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
            throw new IOException(file + ": not an ELF64 little-endian file");
        }
        List<Segment> segments = new ArrayList<>();
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36)), phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int ph = Math.toIntExact(phoff + (long) i * phentsize);
            if (b.getInt(ph) != PT_LOAD) continue;
            int offset = Math.toIntExact(b.getLong(ph + 8));
            int fileSize = Math.toIntExact(b.getLong(ph + 0x20));
            segments.add(new Segment(b.getLong(ph + 0x10), b.getLong(ph + 0x28), Arrays.copyOfRange(raw, offset, offset + fileSize)));
        }
        Map<String, Symbol> symbols = new HashMap<>();
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a)), shnum = Short.toUnsignedInt(b.getShort(0x3c));
        for (int i = 0; i < shnum; i++) {
            int sh = Math.toIntExact(shoff + (long) i * shentsize);
            if (b.getInt(sh + 4) != SHT_SYMTAB) continue;
            int offset = Math.toIntExact(b.getLong(sh + 0x18)), size = Math.toIntExact(b.getLong(sh + 0x20));
            int strtab = Math.toIntExact(shoff + (long) b.getInt(sh + 0x28) * shentsize);
            int strOffset = Math.toIntExact(b.getLong(strtab + 0x18));
            for (int s = offset; s + 24 <= offset + size; s += 24) {
                StringBuilder name = new StringBuilder();
                for (int c = strOffset + b.getInt(s); raw[c] != 0; c++) name.append((char) raw[c]);
                if (name.isEmpty() || b.getShort(s + 6) == 0) continue; // unnamed or undefined
                symbols.put(name.toString(), new Symbol(name.toString(), b.getLong(s + 8), b.getLong(s + 16), b.get(s + 4) & 0xf));
            }
        }
        return new ElfImage(segments, symbols);
    }

    /// The size in bytes of every defined function (`STT_FUNC`), by name, sorted.
    Map<String, Long> functionSizes() {
        Map<String, Long> sizes = new TreeMap<>();
        for (Symbol s : symbols.values()) if (s.type() == Symbol.FUNC) sizes.put(s.name(), s.size());
        return sizes;
    }

    Symbol symbol(String name) throws IOException {
        Symbol s = symbols.get(name);
        if (s == null) throw new IOException("the linked clang build has no symbol " + name);
        return s;
    }
}

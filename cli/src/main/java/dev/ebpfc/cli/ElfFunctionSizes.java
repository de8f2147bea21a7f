package dev.ebpfc.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/// The machine-code size of each function in a relocatable ELF64 little-endian object (x86_64,
/// AArch64 and RISC-V64 alike): the `st_size` of its `STT_FUNC` symbols (ELF gABI, "Symbol
/// Table"). `ebpfc bench` compares ebpfc's code size with clang's through it.
final class ElfFunctionSizes {
    private static final int SHT_SYMTAB = 2, STT_FUNC = 2;

    private ElfFunctionSizes() {
    }

    /// Function name to size in bytes, sorted by name.
    static Map<String, Long> read(Path object) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(object)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < 64 || b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
            throw new IOException(object + ": not an ELF64 little-endian object");
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a)), shnum = Short.toUnsignedInt(b.getShort(0x3c));
        Map<String, Long> sizes = new TreeMap<>();
        for (int i = 0; i < shnum; i++) {
            int sh = Math.toIntExact(shoff + (long) i * shentsize);
            if (b.getInt(sh + 4) != SHT_SYMTAB) continue;
            int offset = Math.toIntExact(b.getLong(sh + 0x18)), size = Math.toIntExact(b.getLong(sh + 0x20));
            int strtab = Math.toIntExact(shoff + (long) b.getInt(sh + 0x28) * shentsize);
            int strOffset = Math.toIntExact(b.getLong(strtab + 0x18));
            for (int s = offset; s + 24 <= offset + size; s += 24) {
                if ((b.get(s + 4) & 0xf) != STT_FUNC) continue;
                sizes.merge(name(b, strOffset + b.getInt(s)), b.getLong(s + 16), Long::sum);
            }
        }
        return sizes;
    }

    /// The total size of every function in `object`.
    static long total(Path object) throws IOException {
        return read(object).values().stream().mapToLong(Long::longValue).sum();
    }

    private static String name(ByteBuffer b, int at) {
        StringBuilder sb = new StringBuilder();
        for (int i = at; b.get(i) != 0; i++) sb.append((char) b.get(i));
        return sb.toString();
    }
}

package dev.ebpfc.frontend.elf;

import dev.ebpfc.frontend.object.MapDef;
import dev.ebpfc.frontend.object.MapType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/// Reads map definitions from the two places clang puts them:
/// - `.maps` (BTF-defined): each variable is an anonymous struct whose members describe the map.
///   `__uint(name, n)` is `int (*name)[n]`, so the number is the element count of the array the
///   member points to; `__type(key, T)` is `T *key`, so the size is `sizeof(T)`.
/// - `maps` (legacy): an array of `struct bpf_map_def` (`type, key_size, value_size,
///   max_entries, map_flags` as u32s), one per ELF symbol in the section.
///
/// Either way the map's name is its symbol and its position is the symbol's value, which is what
/// `lddw` relocations point at. Maps come back sorted by that position.
public final class MapSections {
    private static final int LEGACY_DEF_SIZE = 20;

    private MapSections() {
    }

    /// A map definition and the offset of its symbol inside its section.
    public record PlacedMap(long offset, MapDef def) {
    }

    public static List<PlacedMap> legacy(ElfFile elf, ElfSection section) {
        byte[] bytes = elf.contents(section);
        List<PlacedMap> out = new ArrayList<>();
        for (ElfSymbol sym : mapSymbols(elf, section)) {
            if (sym.value() < 0 || sym.value() > bytes.length - LEGACY_DEF_SIZE) {
                throw elf.fail(section.where(sym.value()), "map " + sym.name() + " needs " + LEGACY_DEF_SIZE
                        + " bytes of struct bpf_map_def, the section has " + bytes.length);
            }
            int at = (int) sym.value();
            int typeId = u32(bytes, at);
            MapType type = MapType.of(typeId);
            if (type == null) throw elf.fail(section.where(sym.value()), "map " + sym.name() + " has unknown type " + Integer.toUnsignedString(typeId));
            out.add(new PlacedMap(sym.value(), MapDef.map(sym.name(), type, u32(bytes, at + 4), u32(bytes, at + 8),
                    u32(bytes, at + 12), u32(bytes, at + 16))));
        }
        return out;
    }

    public static List<PlacedMap> btf(ElfFile elf, ElfSection section, Btf btf) {
        if (btf == null) throw elf.fail(section.where(), "BTF-defined maps need a .BTF section, and there is none");
        BtfType.Datasec sec = btf.datasec(section.name());
        if (sec == null) throw elf.fail(section.where(), "no BTF DATASEC describes this section");
        List<ElfSymbol> symbols = mapSymbols(elf, section);
        List<PlacedMap> out = new ArrayList<>();
        for (BtfType.VarSecinfo info : sec.vars()) {
            if (!(btf.type(info.type()) instanceof BtfType.Var var)) {
                throw elf.fail(section.where(), "DATASEC entry type " + info.type() + " is not a VAR");
            }
            ElfSymbol sym = null;
            for (ElfSymbol s : symbols) {
                if (s.name().equals(var.name())) sym = s;
            }
            if (sym == null) throw elf.fail(section.where(), "map " + var.name() + " is in BTF but has no symbol in the section");
            if (!(btf.resolve(var.type()) instanceof BtfType.Struct def) || def.union()) {
                throw elf.fail(section.where(sym.value()), "map " + var.name() + " is not defined by a struct");
            }
            out.add(new PlacedMap(sym.value(), btfMap(elf, section, sym, var.name(), def, btf)));
        }
        out.sort(Comparator.comparingLong(PlacedMap::offset));
        return out;
    }

    private static MapDef btfMap(ElfFile elf, ElfSection section, ElfSymbol sym, String name, BtfType.Struct def, Btf btf) {
        String where = section.where(sym.value());
        Integer type = null;
        long keySize = -1, valueSize = -1, maxEntries = 0, flags = 0;
        for (BtfType.Member m : def.members()) {
            switch (m.name()) {
                case "type" -> type = (int) count(elf, where, name, m, btf);
                case "max_entries" -> maxEntries = count(elf, where, name, m, btf);
                case "map_flags" -> flags = count(elf, where, name, m, btf);
                case "key_size" -> keySize = sized(elf, where, name, keySize, count(elf, where, name, m, btf), "key");
                case "value_size" -> valueSize = sized(elf, where, name, valueSize, count(elf, where, name, m, btf), "value");
                case "key" -> keySize = sized(elf, where, name, keySize, pointeeSize(elf, where, name, m, btf), "key");
                case "value" -> valueSize = sized(elf, where, name, valueSize, pointeeSize(elf, where, name, m, btf), "value");
                // Accepted and ignored: pinning, NUMA placement, bloom/arena extras, inner-map values.
                case "pinning", "numa_node", "map_extra", "values" -> {
                }
                default -> throw elf.fail(where, "map " + name + " has unknown field '" + m.name() + "'");
            }
        }
        if (type == null) throw elf.fail(where, "map " + name + " has no type");
        MapType mapType = MapType.of(type);
        if (mapType == null) throw elf.fail(where, "map " + name + " has unknown type " + type);
        return MapDef.map(name, mapType, (int) Math.max(keySize, 0), (int) Math.max(valueSize, 0), (int) maxEntries, (int) flags);
    }

    /// `__uint(name, n)`: a pointer to an array of `n` elements.
    private static long count(ElfFile elf, String where, String map, BtfType.Member m, Btf btf) {
        if (btf.resolve(m.type()) instanceof BtfType.Ptr p && btf.resolve(p.type()) instanceof BtfType.Array a) {
            return Integer.toUnsignedLong(a.nelems());
        }
        throw elf.fail(where, "map " + map + " field '" + m.name() + "' is not __uint(...) (a pointer to an array)");
    }

    /// `__type(name, T)`: a pointer to `T`.
    private static long pointeeSize(ElfFile elf, String where, String map, BtfType.Member m, Btf btf) {
        if (btf.resolve(m.type()) instanceof BtfType.Ptr p) return btf.sizeOf(p.type());
        throw elf.fail(where, "map " + map + " field '" + m.name() + "' is not __type(...) (a pointer)");
    }

    private static long sized(ElfFile elf, String where, String map, long previous, long size, String what) {
        if (size > Integer.MAX_VALUE) throw elf.fail(where, "map " + map + " " + what + " size " + size + " is too large");
        if (previous >= 0 && previous != size) {
            throw elf.fail(where, "map " + map + " gives " + what + " size " + previous + " and " + size);
        }
        return size;
    }

    /// Named data symbols of the section (section symbols and local labels left out), by offset.
    private static List<ElfSymbol> mapSymbols(ElfFile elf, ElfSection section) {
        List<ElfSymbol> out = new ArrayList<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.shndx() != section.index() || s.name().isEmpty()) continue;
            if (s.type() != ElfSymbol.STT_OBJECT && s.type() != ElfSymbol.STT_NOTYPE) continue;
            out.add(s);
        }
        out.sort(Comparator.comparingLong(ElfSymbol::value).thenComparingInt(ElfSymbol::index));
        return out;
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}

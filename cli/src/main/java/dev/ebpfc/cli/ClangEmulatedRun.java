package dev.ebpfc.cli;

import dev.ebpfc.emulator.EmulatedIsa;
import dev.ebpfc.emulator.unicorn.Unicorn;
import dev.ebpfc.emulator.unicorn.UnicornReg;
import dev.ebpfc.frontend.object.MapDef;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/// clang's build of a bench program for one CPU ([ClangReference#linkedImage]) run under Unicorn
/// the way [dev.ebpfc.emulator.EmulatedEngine] runs ebpfc's code for that CPU: the same Unicorn
/// CPU model, calling convention and return-to-sentinel ([EmulatedIsa]), the same packet. The
/// context is bench.h's host `struct xdp_md` (two real pointers) and the helpers are
/// host_maps.c compiled in, first told about the maps by calls under emulation.
///
/// **What counts.** Instructions executed inside the program's own functions (every function of
/// its object) and the memory functions clang may call for struct copies; not the map helpers
/// (host_maps.c), as ebpfc's count leaves out the trap stubs and the Java helpers. Counting is on
/// only during the program's call.
final class ClangEmulatedRun {
    /// Where the harness puts the packet and context, the machine stack and the sentinel: clear of
    /// the linked image (at [ClangReference#LINK_ADDRESS], under 16 MiB with its map pool).
    private static final long DATA = 0x2000_0000L, STACK = 0x3000_0000L, STACK_SIZE = 1 << 20, SENTINEL = 0x4000_0000L;
    /// The packet at DATA (up to 4 KiB), the context after it; 8 KiB is whole pages on every ISA
    /// (Unicorn's AArch64 pages are 1 KiB, the others' 4 KiB).
    private static final long CONTEXT = DATA + 0x1000, DATA_SIZE = 0x2000;
    /// Instruction limit per call: far above any bench program (they run thousands).
    private static final long LIMIT = 100_000_000L;
    private static final List<String> MEMORY_FUNCTIONS = List.of("memset", "memcpy", "memmove", "memcmp");

    /// Executed instructions (as described above) and the program's 32-bit return value.
    record Result(long instructions, int r0) {
    }

    private ClangEmulatedRun() {
    }

    /// Runs `entry` of `image` once on `packet` with empty maps. `programFunctions` names the
    /// functions of the program's own object.
    static Result run(ElfImage image, Set<String> programFunctions, String entry, EmulatedIsa isa, List<MapDef> maps, byte[] packet)
            throws IOException {
        // Address ranges that count: start -> end (exclusive).
        TreeMap<Long, Long> counted = new TreeMap<>();
        for (String f : programFunctions) add(counted, image.symbol(f));
        for (String f : MEMORY_FUNCTIONS) if (image.symbols.containsKey(f)) add(counted, image.symbol(f));
        try (Unicorn uc = isa.cpuModel() < 0 ? Unicorn.open(isa.arch()) : Unicorn.open(isa.arch(), isa.cpuModel())) {
            long page = uc.pageSize();
            long[] counter = {0, 0}; // counting on (1) or off (0), count
            // Before anything is translated: Unicorn compiles hooks into the code it translates.
            uc.hookCode(1, 0, (u, address, size) -> {
                if (counter[0] != 0) {
                    var e = counted.floorEntry(address);
                    if (e != null && address < e.getValue()) counter[1]++;
                }
            });
            load(uc, image, page);
            uc.memMap(DATA, DATA_SIZE, Unicorn.PROT_READ | Unicorn.PROT_WRITE);
            uc.memMap(STACK, STACK_SIZE, Unicorn.PROT_READ | Unicorn.PROT_WRITE);
            uc.memMap(SENTINEL, page, Unicorn.PROT_READ | Unicorn.PROT_EXEC);
            uc.memWrite(SENTINEL, isa.sentinel());
            if (packet.length > CONTEXT - DATA) throw new IOException("packet larger than " + (CONTEXT - DATA) + " bytes");
            call(uc, isa, image.symbol("ebpfc_bench_reset").address());
            for (MapDef m : maps) {
                if (m.globalData()) continue;
                long rc = call(uc, isa, image.symbol("ebpfc_bench_map").address(), image.symbol(m.name()).address(),
                        m.type().id, m.keySize(), m.valueSize(), m.maxEntries());
                if ((int) rc != 0) throw new IOException("host_maps.c cannot model map " + m.name() + " (" + m.type() + ")");
            }
            uc.memWrite(DATA, packet);
            uc.memWriteLong(CONTEXT, DATA);
            uc.memWriteLong(CONTEXT + 8, DATA + packet.length);
            counter[0] = 1;
            long r0 = call(uc, isa, image.symbol(entry).address(), CONTEXT);
            counter[0] = 0;
            return new Result(counter[1], (int) r0);
        }
    }

    private static void add(TreeMap<Long, Long> ranges, ElfImage.Symbol s) throws IOException {
        if (s.type() != ElfImage.Symbol.FUNC || s.size() <= 0) throw new IOException(s.name() + " is not a function with a size");
        ranges.put(s.address(), s.address() + s.size());
    }

    /// Maps the pages of every loadable segment (read, write, execute: a harness, not a loader)
    /// and writes their bytes; the rest of each segment stays zero, as `.bss` must.
    private static void load(Unicorn uc, ElfImage image, long page) {
        TreeMap<Long, Long> pages = new TreeMap<>();
        for (ElfImage.Segment s : image.segments) {
            long start = Math.floorDiv(s.address(), page) * page;
            long end = Math.ceilDiv(s.address() + s.memorySize(), page) * page;
            pages.merge(start, end, Math::max);
        }
        List<long[]> merged = new ArrayList<>();
        for (var e : pages.entrySet()) {
            long[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && e.getKey() <= last[1]) last[1] = Math.max(last[1], e.getValue());
            else merged.add(new long[]{e.getKey(), e.getValue()});
        }
        for (long[] r : merged) uc.memMap(r[0], r[1] - r[0], Unicorn.PROT_ALL);
        for (ElfImage.Segment s : image.segments) if (s.bytes().length > 0) uc.memWrite(s.address(), s.bytes());
    }

    /// Calls the function at `address` with `args` in the ISA's argument registers and returns
    /// its return register once it comes back to the sentinel.
    private static long call(Unicorn uc, EmulatedIsa isa, long address, long... args) throws IOException {
        isa.prepareReturn(uc, STACK + STACK_SIZE, SENTINEL);
        UnicornReg[] regs = isa.arguments();
        for (int i = 0; i < args.length; i++) uc.regWrite(regs[i], args[i]);
        var err = uc.tryStart(address, SENTINEL, 0, LIMIT);
        if (uc.pc() != SENTINEL) {
            throw new IOException("clang build under Unicorn stopped at 0x" + Long.toHexString(uc.pc()) + " (" + err + ")");
        }
        return uc.regRead(isa.returnRegister());
    }
}

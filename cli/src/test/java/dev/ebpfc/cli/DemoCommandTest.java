package dev.ebpfc.cli;

import dev.ebpfc.backend.nativeexec.NativeEngine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// `ebpfc demo` on two bundled objects: every program is verified, agrees with the interpreter
/// on all three ISAs at -O2 under emulation and natively, and shows its bytecode and x86_64 -O2
/// code; a bad `--disasm` count is a usage error.
class DemoCommandTest {
    @Test
    void showsVerifiedAgreeingProgramsWithTheirCode() {
        CliRunner.Result r = CliRunner.run("demo", CliRunner.root().resolve("bench/programs/obj/fnv1a.o").toString(),
                CliRunner.root().resolve("bench/programs/obj/map_count.o").toString(), "--disasm", "4");
        assertEquals(0, r.exit(), r.out() + r.err());
        for (String program : new String[]{"fnv1a", "map_count"}) {
            String row = r.out().lines().filter(l -> l.startsWith(program + " ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
            assertTrue(row.contains("accepted"), row);
            assertTrue(row.contains("same/same/same"), row);
            if (NativeEngine.hostSupported()) assertTrue(row.matches(".* µs +[0-9.]+ µs .*"), "a native time: " + row);
            assertTrue(r.out().contains(program + ": first 4 of "), r.out());
        }
        assertTrue(r.out().contains("x86_64 -O2 code ("), r.out());
        assertTrue(r.out().lines().filter(l -> l.matches(" +[0-9a-f]+:  [0-9a-f]+ .*")).count() >= 8, "machine code lines:\n" + r.out());
    }

    @Test
    void negativeDisassemblyCountIsAUsageError() {
        CliRunner.Result r = CliRunner.run("demo", "--disasm", "-1");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--disasm -1"), r.err());
    }
}

package dev.ebpfc.emulator.fuzz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/// A campaign with a program limit gives the same report (apart from timings) and writes the same
/// reproducer files, byte for byte, whatever the number of worker threads.
class FuzzDeterminismTest {
    @TempDir
    Path tmp;

    static final List<EngineFactory> ENGINES = List.of(EngineCatalog.ALL.get(0),
            FuzzMutantEngine.factory(FuzzMutantEngine.Mutant.ARSH_AS_RSH),
            FuzzMutantEngine.factory(FuzzMutantEngine.Mutant.JMP32_JGT_COMPARES_64));

    /// Everything but timings, as text.
    static String essence(CampaignReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.programs()).append(' ').append(r.divergent()).append(' ').append(r.invalid()).append(' ').append(r.invalidSeeds())
                .append(' ').append(r.executedOpcodes()).append(' ').append(r.duplicates()).append('\n');
        for (EngineStats e : r.engines()) {
            sb.append(e.name()).append(' ').append(e.programs()).append(' ').append(e.divergences()).append(' ').append(e.opcodes()).append('\n');
        }
        for (Finding f : r.findings()) {
            sb.append(f.engine()).append(' ').append(f.field()).append(' ').append(f.seed()).append(' ').append(f.index()).append(' ')
                    .append(f.engines()).append(' ').append(f.file() == null ? null : f.file().getFileName()).append('\n')
                    .append(f.program()).append(java.util.HexFormat.of().formatHex(f.mem())).append('\n');
        }
        return sb.toString();
    }

    static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) out.put(p.getFileName().toString(), Files.readString(p));
        }
        return out;
    }

    @Test
    void sameReportAndFilesForOneTwoAndThreeJobs() throws IOException {
        String first = null;
        Map<String, String> firstFiles = null;
        for (int jobs : new int[]{1, 2, 3}) {
            Path out = tmp.resolve("jobs" + jobs);
            CampaignReport r = new FuzzCampaign(ENGINES, CampaignConfig.programs(300, 150).withJobs(jobs).withOut(out)
                    .withShrinkCandidates(1_000)).run();
            String e = essence(r).replace(out.toString(), "OUT");
            Map<String, String> f = files(out);
            if (first == null) {
                first = e;
                firstFiles = f;
                assertFalse(r.findings().isEmpty(), "no divergence: the test proves little\n" + r.table());
                System.out.println("FuzzDeterminismTest: " + r.findings().size() + " findings, " + f.keySet());
            } else {
                assertEquals(first, e, "jobs " + jobs);
                assertEquals(firstFiles, f, "jobs " + jobs);
            }
        }
    }
}

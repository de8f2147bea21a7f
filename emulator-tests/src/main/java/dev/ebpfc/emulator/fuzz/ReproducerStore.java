package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.emulator.diff.Divergence;
import dev.ebpfc.emulator.gen.Reproducer;
import dev.ebpfc.frontend.data.DataFileWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/// A campaign's findings, deduplicated, and their `.data` reproducers in the output folder.
///
/// - Named after what they found: `ENGINE-FIELD-seedSEED.data` (`x86_64-r0-seed1234.data`).
/// - Never over an existing file: a taken name gets `-2`, `-3`… (files are created with
///   `CREATE_NEW`, so not even a concurrent campaign in the same folder is overwritten).
/// - One file per distinct shrunk program and memory. Of equal findings the earliest in campaign
///   order (program index, then engine name) is kept, whatever order worker threads report them
///   in: a later-reported earlier finding replaces the file this store wrote for the other. So the
///   folder ends the same for any number of workers.
public final class ReproducerStore {
    private final Path dir;
    /// By shrunk program text and memory, the finding standing for it.
    private final Map<String, Finding> byContent = new LinkedHashMap<>();
    private int offered;

    /// `dir` null keeps findings in memory only; otherwise it is created with the first reproducer.
    public ReproducerStore(Path dir) {
        this.dir = dir;
    }

    /// Records `f`. Returns it with its file when it is new or replaces a later equal finding;
    /// empty when an equal finding earlier in campaign order already stands.
    public synchronized Optional<Finding> offer(Finding f) {
        offered++;
        String key = Reproducer.asm(f.program()) + HexFormat.of().formatHex(f.mem());
        Finding old = byContent.get(key);
        if (old != null && !f.before(old)) return Optional.empty();
        if (old != null && old.file() != null) delete(old.file());
        Finding stored = dir == null ? f : f.withFile(write(f));
        byContent.put(key, stored);
        return Optional.of(stored);
    }

    /// The standing findings in campaign order.
    public synchronized List<Finding> findings() {
        List<Finding> out = new ArrayList<>(byContent.values());
        out.sort(Comparator.comparingLong(Finding::index).thenComparing(Finding::engine));
        return out;
    }

    /// How many findings stand.
    public synchronized int size() {
        return byContent.size();
    }

    /// Findings that were equal to one already standing.
    public synchronized int duplicates() {
        return offered - byContent.size();
    }

    /// `ENGINE-FIELD-seedSEED`, with anything but letters, digits, `_` and `-` in the engine
    /// name replaced by `_`.
    public static String baseName(String engine, String field, long seed) {
        return engine.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + field + "-seed" + seed;
    }

    /// The first differing field of a divergence as a file-name word: `r0`, `error`, the region
    /// name for memory (`mem`, `stack`, `map-NAME`), `regions`, `helpers`, `printk`, `perf`,
    /// `ringbuf`, or `threw` when the engine threw.
    public static String field(Divergence d) {
        if (d.threw() || d.differences().isEmpty()) return "threw";
        String first = d.differences().get(0);
        int colon = first.indexOf(':');
        String head = (colon < 0 ? first : first.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        if (head.startsWith("region ")) head = head.substring("region ".length());
        else if (head.startsWith("helper call")) head = "helpers";
        else if (head.startsWith("perf event")) head = "perf";
        else if (head.startsWith("ring buffer")) head = "ringbuf";
        String word = head.replaceAll("[^a-z0-9_]+", "-").replaceAll("^-+|-+$", "");
        return word.isEmpty() ? "state" : word;
    }

    private Path write(Finding f) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        String base = baseName(f.engine(), f.field(), f.seed());
        for (int n = 1; ; n++) {
            Path file = dir.resolve(n == 1 ? base + ".data" : base + "-" + n + ".data");
            if (Files.exists(file)) continue;
            String text = DataFileWriter.write(Reproducer.dataFile(f.program(), f.mem(), comment(f, file), f.result()));
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return file;
            } catch (FileAlreadyExistsException raced) {
                // Someone created it between the check and the write: try the next suffix.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }

    /// The reproducer's header: where it came from, what differs, how to replay it.
    static String comment(Finding f, Path file) {
        String name = file.getFileName().toString();
        StringBuilder sb = new StringBuilder();
        sb.append("Found by ebpfc fuzz: ").append(f.summary()).append('\n');
        sb.append("generator seed ").append(f.seed()).append(" (campaign program ").append(f.index()).append("); ")
                .append(f.originalInsns()).append(" instructions and ").append(f.originalMem()).append(" bytes of memory");
        sb.append(f.shrunk() ? ", shrunk to " + f.program().size() + " instructions and " + f.mem().length + " bytes" : " (not shrunk)").append('\n');
        sb.append("diverging engines: ").append(String.join(", ", f.engines())).append('\n');
        sb.append('\n').append(f.details().stripTrailing()).append('\n').append('\n');
        sb.append("Replay: ./ebpfc conformance ").append(name).append(" --engine ").append(f.engine()).append('\n');
        sb.append("        ./ebpfc run ").append(name).append(" --engine ").append(f.engine()).append(" --trace").append('\n');
        if (!f.visibleInResult()) {
            sb.append("The difference is outside r0 and the error kind, so the -- result below passes on ").append(f.engine())
                    .append(";\ncompare the memory and helper calls of `ebpfc run` on both engines.").append('\n');
        }
        return sb.toString();
    }
}

package dev.ebpfc.frontend.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/// Finds the bpf_conformance data (read-only, outside the repository) through the system property
/// `ebpfc.conformance.dir`, set by the pom's surefire configuration. A missing folder fails the
/// test with the fix, never skips it.
public final class Conformance {
    public static final String PROPERTY = "ebpfc.conformance.dir";

    private Conformance() {
    }

    public static Path dir() {
        String configured = System.getProperty(PROPERTY);
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("ebpfc.root", "."), "..", "shared", "conformance");
        if (!Files.isDirectory(dir.resolve("tests")) || !Files.isDirectory(dir.resolve("negative"))) {
            fail("bpf_conformance data not found at " + dir.toAbsolutePath().normalize()
                    + " (expected tests/ and negative/ there); set -D" + PROPERTY + "=/path/to/bpf_conformance"
                    + " or run ./check, which sets it from EBPFC_CONFORMANCE");
        }
        return dir.toAbsolutePath().normalize();
    }

    /// `tests/*.data`, sorted by name.
    public static List<Path> tests() {
        return list("tests");
    }

    /// `negative/*.data`, sorted by name.
    public static List<Path> negative() {
        return list("negative");
    }

    private static List<Path> list(String folder) {
        try (Stream<Path> s = Files.list(dir().resolve(folder))) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".data")).sorted().toList();
            if (files.isEmpty()) fail("no .data files in " + dir().resolve(folder));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /// The file name without folder, for test display names.
    public static String name(Path p) {
        return p.getParent().getFileName() + "/" + p.getFileName();
    }
}

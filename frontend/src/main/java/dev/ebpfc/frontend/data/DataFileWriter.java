package dev.ebpfc.frontend.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/// Writes [DataFile]s in the bpf_conformance `.data` format: the preamble, then each section as
/// `-- name` and its body, every line ending in a newline. [DataFileReader] reads the output back
/// to an equal file (apart from `origin` and header line numbers).
public final class DataFileWriter {
    private DataFileWriter() {
    }

    public static String write(DataFile file) {
        StringBuilder sb = new StringBuilder();
        for (String l : file.preamble()) sb.append(l).append('\n');
        for (DataFile.Section s : file.sections()) {
            sb.append("-- ").append(s.name()).append('\n');
            sb.append(s.text());
        }
        return sb.toString();
    }

    public static void write(DataFile file, Path path) {
        try {
            Files.writeString(path, write(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}

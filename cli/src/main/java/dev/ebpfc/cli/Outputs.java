package dev.ebpfc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/// Writing the user's output files safely: never over an input, atomically (a temporary file
/// renamed into place), so an interrupted run leaves the old file intact.
final class Outputs {
    private Outputs() {
    }

    static void refuseToOverwriteInput(Path input, Path output) throws IOException {
        if (Files.exists(output) && Files.exists(input) && Files.isSameFile(input, output)) {
            throw new UsageException(output + ": is the input file; choose another output");
        }
    }

    static void write(Path output, byte[] bytes) throws IOException {
        Path abs = output.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new UsageException(output + ": is a directory");
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new UsageException(output + ": folder " + dir + " does not exist");
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

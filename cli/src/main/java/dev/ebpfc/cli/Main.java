package dev.ebpfc.cli;

import picocli.CommandLine;

/// Entry point of the `ebpfc` command: builds the picocli command tree and maps outcomes to exit
/// codes (0 success, 1 the program failed or was rejected, 2 usage error).
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return EbpfcCommand.commandLine().execute(args);
    }
}

package dev.ebpfc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/// The practical limit `ebpfc bench` measures against: a bench program's own C source compiled
/// by `clang -O2`, through the host branch of bench/programs/bench.h (the packet as real
/// pointers, helpers as ordinary functions).
///
/// - For the host: a shared object of the program and bench/programs/host/host_maps.c (the map
///   helpers with the runtime's semantics), loaded and called by [ClangHostProgram].
/// - For each CPU (`x86_64`, `aarch64`, `riscv64` Linux triples): a freestanding relocatable
///   object of the program alone, whose function sizes ([ElfImage#functionSizes]) are clang's code size.
///
/// - For each CPU, also a statically linked image of the program, the map helpers and the memory
///   functions ([#linkedImage]), run under Unicorn by [ClangEmulatedRun].
///
/// Uses `clang-19` when present, else `clang` (the objects in bench/programs/obj are built by
/// clang 19, see build.sh).
final class ClangReference {
    /// ebpfc target name to the clang triple for that CPU.
    static final List<String[]> TRIPLES = List.of(
            new String[]{"x86_64", "x86_64-linux-gnu"},
            new String[]{"arm64", "aarch64-linux-gnu"},
            new String[]{"riscv64", "riscv64-linux-gnu"});

    private final String clang;
    private final String version;
    private final Path sources;
    private final Path out;
    /// host_maps.c and freestanding.c compiled per triple, once per run.
    private final Map<String, Path> support = new HashMap<>();

    private ClangReference(String clang, String version, Path sources, Path out) {
        this.clang = clang;
        this.version = version;
        this.sources = sources;
        this.out = out;
    }

    /// The clang found on PATH, building from `sources` (bench/programs) into `out`; null when
    /// there is none.
    static ClangReference find(Path sources, Path out) {
        for (String name : List.of("clang-19", "clang")) {
            try {
                String v = run(List.of(name, "--version"), null).lines().findFirst().orElse(name).trim();
                return new ClangReference(name, v, sources, out);
            } catch (IOException e) {
                // Not this one.
            }
        }
        return null;
    }

    String command() {
        return clang;
    }

    String version() {
        return version;
    }

    /// The host shared object of program `name` (built once per run).
    Path hostLibrary(String name) throws IOException {
        Path so = out.resolve(name + ".host.so");
        run(List.of(clang, "-O2", "-fPIC", "-shared", "-Wall", "-Werror", "-I", sources.toString(),
                sources.resolve(name + ".c").toString(), sources.resolve("host/host_maps.c").toString(), "-o", so.toString()), out);
        return so;
    }

    /// The relocatable object of program `name` for `triple`, freestanding (no libc headers are
    /// needed: bench.h defines what the programs use).
    Path object(String name, String triple) throws IOException {
        Path o = out.resolve(name + "." + triple + ".o");
        run(List.of(clang, "--target=" + triple, "-O2", "-ffreestanding", "-fno-pic", "-fno-stack-protector",
                "-fno-asynchronous-unwind-tables", "-Wall", "-Werror", "-I", sources.toString(), "-c",
                sources.resolve(name + ".c").toString(), "-o", o.toString()), out);
        return o;
    }

    /// Program `name` for `triple` with host_maps.c and freestanding.c, statically linked by
    /// binutils' `TRIPLE-ld` with its code at [#LINK_ADDRESS] and no libc, for
    /// [ClangEmulatedRun]. Built the way [#object] builds the program alone, so the code run is
    /// the code measured for size.
    /// `program` is what [#object] built for `name` and `triple`.
    Path linkedImage(Path program, String name, String triple) throws IOException {
        Path maps = support.get(triple + "/maps");
        if (maps == null) support.put(triple + "/maps", maps = compile(sources.resolve("host/host_maps.c"), triple, "host_maps", List.of()));
        Path memory = support.get(triple + "/memory");
        if (memory == null) {
            support.put(triple + "/memory", memory = compile(sources.resolve("host/freestanding.c"), triple, "freestanding", List.of("-fno-builtin")));
        }
        Path image = out.resolve(name + "." + triple + ".elf");
        List<String> cmd = new ArrayList<>(List.of(triple + "-ld", "-static", "-nostdlib", "--no-dynamic-linker", "-e", "0",
                "-Ttext=0x" + Long.toHexString(LINK_ADDRESS)));
        // No linker relaxation (RISC-V shortens calls and turns data accesses gp-relative): the
        // code run stays byte for byte the code [#object] measures, and needs no gp set up.
        if (triple.startsWith("riscv")) cmd.add("--no-relax");
        cmd.addAll(List.of("-o", image.toString(), program.toString(), maps.toString(), memory.toString()));
        run(cmd, out);
        return image;
    }

    /// Where [#linkedImage] puts the code: low, so every code model of the three CPUs reaches it.
    static final long LINK_ADDRESS = 0x10000;

    private Path compile(Path source, String triple, String stem, List<String> extra) throws IOException {
        Path o = out.resolve(stem + "." + triple + ".o");
        List<String> cmd = new ArrayList<>(List.of(clang, "--target=" + triple, "-O2", "-ffreestanding", "-fno-pic", "-fno-stack-protector",
                "-fno-asynchronous-unwind-tables", "-Wall", "-Werror", "-I", sources.toString()));
        cmd.addAll(extra);
        cmd.addAll(List.of("-c", source.toString(), "-o", o.toString()));
        run(cmd, out);
        return o;
    }

    /// Runs `command` in `dir` (created when missing); its standard output, or an IOException
    /// naming the command and the first line of its error output.
    private static String run(List<String> command, Path dir) throws IOException {
        if (dir != null) Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) pb.directory(dir.toFile());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(command.getFirst() + " interrupted");
        }
        if (p.exitValue() != 0) {
            List<String> shown = new ArrayList<>(command.subList(0, Math.min(3, command.size())));
            throw new IOException(String.join(" ", shown) + "… failed: " + output.lines().findFirst().orElse("exit " + p.exitValue()));
        }
        return output;
    }
}

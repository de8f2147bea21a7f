package dev.ebpfc.cli;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.Hardening;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.arm64.Arm64Target;
import dev.ebpfc.backend.riscv64.Riscv64Features;
import dev.ebpfc.backend.riscv64.Riscv64Target;
import dev.ebpfc.backend.elf.ElfObjectWriter;
import dev.ebpfc.backend.nativeexec.NativeEngine;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.frontend.object.ProgramDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/// `ebpfc compile FILE --target T -o OUT`: compiles one program to machine code, written as raw
/// bytes (code then constant pool, with the entries to patch listed on stderr), a relocatable ELF
/// object for a C toolchain (docs/aot-abi.md) or an objdump-syntax listing. The code uses the
/// contiguous-stack frame stride (512) of native and AOT execution.
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile an eBPF program to native code: raw bytes, an ELF object or an assembly listing.",
        footer = {"", "Examples:",
            "  ebpfc compile prog.o --target arm64 -O2 --format asm -o prog.s     optimised (docs/codegen-o2.md)",
            "  ebpfc compile prog.o -O2 --blind-constants -o prog.x86_64.o       hardened: no immediate verbatim",
            "  ebpfc compile prog.o --target x86_64 -o prog.x86_64.o             ELF object (docs/aot-abi.md)",
            "  ebpfc compile prog.o --program xdp_lb --format asm -o lb.s",
            "  ebpfc compile tests/add.data --format raw -o add.bin              pool entries to patch on stderr"})
final class CompileCommand implements Callable<Integer> {
    enum Format { raw, elf, asm }

    @Mixin
    Verbosity verbosity;

    @Parameters(paramLabel = "FILE", description = "ELF object, .data test, assembler text or raw bytecode.")
    Path file;

    @Option(names = "--target", paramLabel = "ISA", defaultValue = "x86_64", description = "x86_64, arm64 or riscv64 (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "-O", paramLabel = "LEVEL", defaultValue = "0", description = "Optimisation level: -O0 (default) or -O2.")
    String level;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "elf", description = "raw, elf or asm (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true, description = "Where to write the result.")
    Path output;

    @Option(names = "--program", paramLabel = "NAME", description = "Which program of the object (default: the first).")
    String program;

    @Option(names = "--profile", paramLabel = "NAME", description = "Helper numbering the -O2 optimiser assumes: linux or conformance (default: conformance for .data tests, linux otherwise).")
    String profile;

    @Option(names = "--ctx", paramLabel = "KIND", description = "Context the -O2 optimiser assumes: xdp, skb (tc), socket or raw (default: from the ELF section; raw otherwise).")
    String ctx;

    @Option(names = "--blind-constants", description = "Constant blinding (-O2): no immediate of the program appears verbatim in the code, as Linux's bpf_jit_harden.")
    boolean blindConstants;

    @Option(names = "--blind-seed", paramLabel = "N", defaultValue = "0", description = "Seed of the blinding keys (with the program's bytes; default: ${DEFAULT-VALUE}). Same seed, same bytes.")
    long blindSeed;

    @Option(names = "--features", paramLabel = "EXT[,EXT...]", split = ",",
            description = "ISA extensions the code may use beyond the baseline. riscv64: zba, zbb (Unicorn cannot run them; "
                    + "qemu-riscv64 -cpu rv64,zba=true,zbb=true can), c (compressed instructions). Default: none.")
    List<String> features = List.of();

    @Override
    public Integer call() throws IOException {
        Outputs.refuseToOverwriteInput(file, output);
        CompileOptions.Level lvl = switch (level) {
            case "0" -> CompileOptions.Level.O0;
            case "2" -> CompileOptions.Level.O2;
            default -> throw new UsageException("unknown optimisation level -O" + level + " (use -O0 or -O2)");
        };
        if (blindConstants && lvl != CompileOptions.Level.O2) throw new UsageException("--blind-constants needs -O2");
        Target t = target(target);
        Set<String> extensions = features(t, features);
        InputFile in = InputFile.read(file, null, null);
        ProgramDef def = in.programs(program).getFirst();
        HelperProfile helpers = in.helpers(profile);
        ContextKind kind = in.context(ctx, def);
        CompileOptions options = new CompileOptions(lvl, NativeEngine.FRAME_STRIDE)
                .withEnvironment(ProgramEnvironment.of(in.object(), helpers, kind))
                .withHardening(new Hardening(blindConstants, blindSeed))
                .withFeatures(extensions);
        CompiledProgram code;
        try {
            code = t.compile(def, options);
        } catch (UnsupportedOperationException e) {
            throw new UsageException("-O" + level + " is not available for " + target + " yet: " + e.getMessage());
        }
        byte[] bytes = switch (format) {
            case raw -> code.code();
            case elf -> {
                ElfObjectWriter.Machine machine = ElfObjectWriter.Machine.ofTarget(t.name());
                String arch = machine == ElfObjectWriter.Machine.RISCV ? Riscv64Features.named(extensions).arch() : null;
                yield ElfObjectWriter.write(code, def.name(), in.object().maps(), machine, arch);
            }
            case asm -> listing(def, code).getBytes(StandardCharsets.UTF_8);
        };
        Outputs.write(output, bytes);
        String with = extensions.isEmpty() ? "" : " +" + String.join(",", new TreeSet<>(extensions));
        System.err.println("wrote " + output + " (" + format + ", " + t.name() + with + " -O" + level + ", program " + def.name() + ": "
                + def.program().slotCount() + " slots -> " + code.codeSize() + " bytes of code, " + code.pool().size() + " pool entries)");
        if (format == Format.raw) System.err.print(patchTable(code));
        if (format == Format.elf) {
            List<String> undefined = ElfObjectWriter.undefinedSymbols(code);
            if (!undefined.isEmpty()) System.err.println("the host must define: " + String.join(", ", undefined));
        }
        return EbpfcCommand.EXIT_OK;
    }

    static Target target(String name) {
        return switch (name) {
            case "x86_64", "x86-64", "amd64" -> new X86Target();
            case "arm64", "aarch64" -> new Arm64Target();
            case "riscv64" -> new Riscv64Target();
            default -> throw new UsageException("unknown target '" + name + "' (x86_64, arm64, riscv64)");
        };
    }

    /// The `--features` names, each one the target lists ([Target#features]).
    static Set<String> features(Target t, List<String> names) {
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            String f = n.trim().toLowerCase(Locale.ROOT);
            if (f.isEmpty()) continue;
            if (!t.features().contains(f)) {
                throw new UsageException("unknown feature '" + n + "' for " + t.name() + (t.features().isEmpty() ? " (it has none)"
                        : " (known: " + String.join(", ", new TreeSet<>(t.features())) + ")"));
            }
            out.add(f);
        }
        return out;
    }

    /// The listing with a header naming the program and how to call it (in the ISA's own objdump syntax).
    static String listing(ProgramDef def, CompiledProgram code) {
        return "; " + def.name() + ": " + code.target() + " code, entry at 0x" + Integer.toHexString(code.entryOffset())
                + ", unwind at 0x" + Integer.toHexString(code.unwindOffset()) + ", pool at 0x" + Integer.toHexString(code.poolOffset())
                + "\n; uint64_t prog(uint64_t r1, uint64_t r2, uint64_t r10_top), frame stride " + NativeEngine.FRAME_STRIDE + " (docs/native-abi.md)\n"
                + code.listing();
    }

    /// What a user loading raw bytes must write into each 8-byte pool entry before running them.
    static String patchTable(CompiledProgram code) {
        StringBuilder sb = new StringBuilder();
        if (code.pool().isEmpty()) return "no pool entries: the bytes run as they are (entry at offset 0x" + Integer.toHexString(code.entryOffset()) + ")\n";
        sb.append("before running, write each 64-bit little-endian pool entry (docs/native-abi.md); entry at 0x")
                .append(Integer.toHexString(code.entryOffset())).append(", unwind path at 0x").append(Integer.toHexString(code.unwindOffset())).append('\n');
        for (int i = 0; i < code.pool().size(); i++) {
            PoolEntry e = code.pool().get(i);
            String what = switch (e) {
                case PoolEntry.MapHandle m -> "the handle of map " + m.map() + " (what your helpers receive as the map argument)";
                case PoolEntry.MapValue m -> "the address of map " + m.map() + "'s values + " + m.offset();
                case PoolEntry.Helper h -> "the address of helper " + h.id() + " (C calling convention, r1-r5 as arguments)";
                case PoolEntry.CodeAddress c -> "the value lddw func loads for slot " + c.slot() + " (resolved by your RESOLVE_CALLX)";
                case PoolEntry.Runtime r -> "the address of your " + r.entry() + " runtime entry";
            };
            sb.append(String.format("  0x%x: %s%n", code.poolOffset() + 8 * i, what));
        }
        return sb.toString();
    }
}

package dev.ebpfc.cli;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.asm.LlvmAssembler;
import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.helpers.HelperProfile;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.List;

/// Reads whatever the user names: an ELF object from clang, a conformance `.data` test, assembler
/// text in either syntax, or raw bytecode. Decides by content first (ELF magic), then by file
/// name, then by whether the bytes are text; `--format` overrides. Every failure is one line.
record InputFile(Path path, Kind kind, BpfObject object, DataFile data) {

    /// What a file holds.
    enum Kind { elf, data, asm, raw }

    /// The assembler syntax of text input.
    enum AsmSyntax { conformance, llvm }

    static InputFile read(Path path, Kind forced, AsmSyntax syntax) throws IOException {
        if (Files.isDirectory(path)) throw new UsageException(path + ": is a directory, not a program file");
        byte[] bytes = Files.readAllBytes(path);
        Kind kind = forced != null ? forced : detect(path, bytes);
        String origin = path.toString();
        return switch (kind) {
            case elf -> new InputFile(path, kind, ObjectLoader.load(bytes, origin), null);
            case data -> {
                DataFile d = DataFileReader.read(path);
                yield new InputFile(path, kind, single(origin, d.program()), d);
            }
            case asm -> new InputFile(path, kind, single(origin, assemble(text(bytes, origin), origin, syntax)), null);
            case raw -> new InputFile(path, kind, single(origin, decodeRaw(bytes, origin)), null);
        };
    }

    static Kind detect(Path path, byte[] bytes) {
        if (bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') return Kind.elf;
        String name = path.getFileName().toString().toLowerCase();
        if (name.endsWith(".data")) return Kind.data;
        if (name.endsWith(".o")) return Kind.elf; // not ELF: the loader names what is wrong
        if (name.endsWith(".s") || name.endsWith(".asm") || name.endsWith(".bpf")) return Kind.asm;
        if (name.endsWith(".bin") || name.endsWith(".raw")) return Kind.raw;
        return looksLikeText(bytes) ? Kind.asm : Kind.raw;
    }

    /// Assembler text in the given syntax, or guessed: the conformance syntax writes registers `%rN`.
    static Program assemble(String text, String origin, AsmSyntax syntax) {
        AsmSyntax s = syntax != null ? syntax : (text.contains("%r") ? AsmSyntax.conformance : AsmSyntax.llvm);
        return s == AsmSyntax.conformance ? Assembler.assemble(text, origin, 1) : LlvmAssembler.assemble(text, origin, 1);
    }

    private static Program decodeRaw(byte[] bytes, String origin) {
        try {
            return Decoder.decode(bytes);
        } catch (FrontendException e) {
            throw new FrontendException(origin + ": " + e.getMessage());
        }
    }

    private static BpfObject single(String origin, Program p) {
        String name = Path.of(origin).getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return new BpfObject(origin, List.of(ProgramDef.of(name, p)), List.of(), "");
    }

    private static boolean looksLikeText(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t')) return false;
        }
        return true;
    }

    private static String text(byte[] bytes, String origin) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FrontendException(origin + ": not UTF-8 text (use --format raw for bytecode)");
        }
    }

    /// The helper numbering for `--profile NAME`, or when none is named: the conformance table
    /// for `.data` tests, Linux's otherwise.
    HelperProfile helpers(String profileName) {
        if (profileName != null) return RunCommand.profileNamed(profileName);
        return kind == Kind.data ? HelperProfile.CONFORMANCE : HelperProfile.LINUX;
    }

    /// What r1 of `program` points to for `--ctx NAME`, or when none is named: what the ELF
    /// section says, a raw context for every other input.
    ContextKind context(String ctxName, ProgramDef program) {
        if (ctxName != null) return RunCommand.contextNamed(ctxName);
        return kind == Kind.elf ? ContextKind.ofSection(program.section()) : ContextKind.RAW;
    }

    /// The programs the user asked for: all, or the one named.
    List<ProgramDef> programs(String name) {
        if (name == null) return object.programs();
        ProgramDef p = object.program(name);
        if (p == null) {
            throw new UsageException(path + ": no program '" + name + "' (has: "
                    + String.join(", ", object.programs().stream().map(ProgramDef::name).toList()) + ")");
        }
        return List.of(p);
    }
}

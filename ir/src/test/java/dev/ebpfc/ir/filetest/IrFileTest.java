package dev.ebpfc.ir.filetest;

import dev.ebpfc.ir.check.IrChecker;
import dev.ebpfc.ir.filetest.FileTestActions.LineError;
import dev.ebpfc.ir.filetest.FileTestActions.Result;
import dev.ebpfc.ir.text.IrParser;
import dev.ebpfc.ir.text.IrPrinter;
import dev.ebpfc.ir.text.ParseException;
import dev.ebpfc.ir.text.ParsedModule;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/// Runs every `ir/src/test/resources/ir/**/*.ir` file (subdirectories such as `opt/` included): parses the IR, performs the file's
/// `; test:` action, and compares with its `; check:` lines (in order, each a substring of a later
/// output line) and `; error:` comments (on the offending line). Failures name the file and line
/// and show a diff. With `-Dir.bless=true` the expectations are rewritten from the actual results.
///
/// Beyond its action, every file that parses must print, re-parse and print identically.
class IrFileTest {
    static final boolean BLESS = Boolean.getBoolean("ir.bless");

    static Path testDir() {
        String root = System.getProperty("ebpfc.root");
        if (root != null && !root.isEmpty() && Files.isDirectory(Path.of(root, "ir/src/test/resources/ir"))) {
            return Path.of(root, "ir/src/test/resources/ir");
        }
        return Path.of("src/test/resources/ir");
    }

    @TestFactory
    Stream<DynamicTest> irFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(testDir())) {
            files = s.filter(p -> p.toString().endsWith(".ir")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no .ir files in " + testDir());
        return files.stream().map(p -> DynamicTest.dynamicTest(relative(p), p.toUri(), () -> runFile(p)));
    }

    private static String relative(Path p) {
        return testDir().relativize(p).toString().replace('\\', '/');
    }

    private static void runFile(Path path) throws IOException {
        String name = "ir/" + relative(path);
        FileTestSpec spec = FileTestSpec.parse(Files.readString(path), name);
        Result actual = execute(spec, name);
        if (BLESS) {
            String blessed = spec.bless(actual);
            if (!blessed.equals(spec.text())) Files.writeString(path, blessed);
            return;
        }
        List<String> problems = new ArrayList<>();
        spec.compareChecks(actual.output(), problems);
        spec.compareErrors(actual.errors(), problems);
        if (!problems.isEmpty()) fail(String.join("\n", problems));
    }

    private static Result execute(FileTestSpec spec, String name) {
        ParsedModule parsed;
        try {
            parsed = IrParser.parse(spec.text(), name);
        } catch (ParseException e) {
            if (!spec.action().equals("parse-error")) throw new AssertionError(e.getMessage(), e);
            return new Result(List.of(), List.of(new LineError(e.line(), e.why())));
        }
        if (spec.action().equals("parse-error")) throw new AssertionError(name + ": expected a parse error, but the file parsed");
        roundTrip(parsed, name);
        if (!spec.action().equals("check")) {
            String errors = IrChecker.format(IrChecker.check(parsed.module()));
            if (!errors.isEmpty()) throw new AssertionError(name + ": input is not well formed:\n" + errors);
        }
        return FileTestActions.run(spec.action(), parsed);
    }

    private static void roundTrip(ParsedModule parsed, String name) {
        String printed = IrPrinter.print(parsed.module());
        String again;
        try {
            again = IrPrinter.print(IrParser.parse(printed, name + " (printed)").module());
        } catch (ParseException e) {
            throw new AssertionError("printed IR does not parse: " + e.getMessage() + "\n" + printed, e);
        }
        if (!again.equals(printed)) {
            throw new AssertionError(name + ": print(parse(print(m))) differs from print(m)\n" + FileTestSpec.diff(FileTestActions.lines(printed), FileTestActions.lines(again)));
        }
    }
}

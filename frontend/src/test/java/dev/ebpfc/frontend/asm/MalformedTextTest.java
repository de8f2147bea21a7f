package dev.ebpfc.frontend.asm;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.data.DataFile;
import dev.ebpfc.frontend.data.DataFileReader;
import dev.ebpfc.frontend.testing.Conformance;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/// User text never escapes as anything but a one-line [FrontendException]: seeded mutations of
/// every conformance file go through the `.data` reader, the conformance assembler and (printed
/// in LLVM syntax first) the LLVM assembler.
class MalformedTextTest {
    private static final String ALPHABET = "%r0123456789abcdefx+-[]:,# \n\t;<>()*=su_lockfetch";

    @Test
    void mutatedTextFailsOnlyWithOneLineFrontendExceptions() throws Exception {
        SplittableRandom random = new SplittableRandom(4242);
        int accepted = 0, rejected = 0;
        List<Path> files = Conformance.tests();
        for (int i = 0; i < 6000; i++) {
            Path p = files.get(random.nextInt(files.size()));
            String text = Files.readString(p);
            DataFile file = DataFileReader.read(p);
            String llvm = LlvmPrinter.print(file.program());
            String mutant = mutate(text, random);
            String llvmMutant = mutate(llvm, random);
            for (var attempt : List.<Runnable>of(
                    () -> DataFileReader.parse(mutant, "m.data").program(),
                    () -> Assembler.assemble(mutate(file.asm(), random)),
                    () -> Encoder.encode(LlvmAssembler.assemble(llvmMutant)))) {
                if (run(attempt, p, e -> { })) accepted++;
                else rejected++;
            }
        }
        assertTrue(accepted > 100 && rejected > 100, "accepted " + accepted + ", rejected " + rejected);
    }

    private static boolean run(Runnable r, Path source, Consumer<FrontendException> check) {
        try {
            r.run();
            return true;
        } catch (FrontendException e) {
            assertTrue(!e.getMessage().contains("\n"), "one-line message: " + e.getMessage());
            check.accept(e);
            return false;
        } catch (RuntimeException e) {
            fail("mutant of " + source + " raised " + e, e);
            return false;
        }
    }

    private static String mutate(String text, SplittableRandom random) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int k = 0; k < edits && !sb.isEmpty(); k++) {
            int at = random.nextInt(sb.length());
            char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            switch (random.nextInt(3)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, c);
                default -> sb.setCharAt(at, c);
            }
        }
        return sb.toString();
    }
}

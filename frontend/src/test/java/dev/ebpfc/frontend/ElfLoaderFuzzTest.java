package dev.ebpfc.frontend;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.codec.Encoder;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// Coverage-guided fuzzing of the ELF loader (regression mode over the committed seed corpus
/// `ElfLoaderFuzzTestInputs/loadNeverCrashes` in the normal build; `JAZZER_FUZZ=1` fuzzes).
/// Property: any bytes load or are rejected with a [FrontendException]; what loads is a valid
/// program that survives an encode/decode round trip.
class ElfLoaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void loadNeverCrashes(byte[] bytes) {
        BpfObject object;
        try {
            object = ObjectLoader.load(bytes, "fuzz.o");
        } catch (FrontendException expected) {
            return;
        }
        for (ProgramDef p : object.programs()) {
            assertEquals(p.program(), Decoder.decode(Encoder.encode(p.program())));
        }
    }
}

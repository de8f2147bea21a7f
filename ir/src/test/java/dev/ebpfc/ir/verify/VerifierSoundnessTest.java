package dev.ebpfc.ir.verify;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.elf.ObjectLoader;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.HelperProfile;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The verifier's acceptance means something: a program accepted in strict mode never faults on
/// memory when the reference interpreter runs it. Checked on every accepted ELF fixture and bench
/// program over random packets (shaped like Ethernet/IPv4/IPv6 headers so parsers go deep), and
/// on a few hundred generated packet-parser-like programs — bounds checks, constant and variable
/// offsets, stores, counted loops — many of which are unsafe and must then be rejected.
class VerifierSoundnessTest {
    private static final int PACKETS = 60;

    /// A random packet: noise, or an Ethernet frame with an IPv4/IPv6 header and TCP/UDP/ICMP
    /// protocol bytes, of any length including truncated.
    static byte[] packet(SplittableRandom rnd) {
        int len = switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(0, 16);
            case 1 -> rnd.nextInt(14, 64);
            default -> rnd.nextInt(0, 200);
        };
        byte[] p = new byte[len];
        for (int i = 0; i < len; i++) p[i] = (byte) rnd.nextInt(256);
        if (rnd.nextInt(4) != 0 && len >= 14) {
            boolean v6 = rnd.nextInt(3) == 0;
            p[12] = (byte) (v6 ? 0x86 : 0x08);
            p[13] = (byte) (v6 ? 0xdd : 0x00);
            int proto = new int[]{6, 17, 1, 58}[rnd.nextInt(4)];
            if (!v6 && len > 23) {
                p[14] = (byte) (0x45 + (rnd.nextInt(4) == 0 ? rnd.nextInt(11) : 0));
                p[23] = (byte) proto;
            }
            if (v6 && len > 20) {
                p[14] = 0x60;
                p[20] = (byte) proto;
            }
        }
        return p;
    }

    @Test
    void acceptedObjectsNeverFaultOnMemory() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        List<String> faults = new ArrayList<>();
        int runs = 0;
        for (Path f : VerifierAcceptanceTest.objects()) {
            BpfObject obj = ObjectLoader.load(f);
            for (int i = 0; i < obj.programs().size(); i++) {
                ProgramDef p = obj.programs().get(i);
                if (!VerifierAcceptanceTest.verify(obj, p).accepted()) continue;
                Interpreter interp = new Interpreter(obj.programs(), RuntimeOptions.linux());
                for (int k = 0; k < PACKETS; k++) {
                    byte[] packet = packet(rnd);
                    ExecutionResult r = interp.run(i, new MapSet(obj.maps()), RunInput.of(packet));
                    runs++;
                    if (r.error() == ErrorKind.OUT_OF_BOUNDS) faults.add(f.getFileName() + " " + p.name() + " (" + packet.length + " bytes): " + r.message());
                }
            }
        }
        assertTrue(runs > 1000, "only " + runs + " runs");
        assertEquals(List.of(), faults);
    }

    @Test
    void generatedParsersAcceptedNeverFault() {
        SplittableRandom rnd = new SplittableRandom(7);
        int accepted = 0, rejected = 0, faultedRejected = 0;
        List<String> faults = new ArrayList<>();
        for (int n = 0; n < 400; n++) {
            String asm = ParserGenerator.program(rnd);
            ProgramDef def = ProgramDef.of("gen" + n, Assembler.assemble(asm));
            VerifierResult v = Verifier.verify(def, List.of(), ContextKind.XDP, HelperProfile.LINUX, Mode.STRICT);
            Interpreter interp = new Interpreter(def, RuntimeOptions.linux().withContext(ContextKind.XDP));
            boolean faulted = false;
            for (int k = 0; k < PACKETS; k++) {
                byte[] packet = packet(rnd);
                ExecutionResult r = interp.run(MapSet.empty(), RunInput.of(packet));
                if (r.error() == ErrorKind.OUT_OF_BOUNDS) {
                    faulted = true;
                    if (v.accepted()) faults.add("gen" + n + " (" + packet.length + " bytes): " + r.message() + "\n" + asm);
                }
            }
            if (v.accepted()) accepted++;
            else {
                rejected++;
                if (faulted) faultedRejected++;
                else if (Boolean.getBoolean("ebpfc.verify.explain")) System.out.println("rejected, never faulted: " + v.messages().getFirst() + "\n" + asm);
            }
        }
        System.out.println("generated parsers: " + accepted + " accepted, " + rejected + " rejected (" + faultedRejected + " of them fault at run time)");
        assertEquals(List.of(), faults);
        assertTrue(accepted >= 100 && rejected >= 50, accepted + " accepted, " + rejected + " rejected: the generator lost its balance");
    }
}

package dev.ebpfc.emulator.gen;

import java.util.EnumMap;
import java.util.Map;

/// What a campaign asks of the [ProgramGenerator]: a weight per [Feature] (0 turns it off), the
/// number of statements in the entry function, the size of the input memory's data part, how many
/// subprograms and how deep loops nest, the dynamic instruction bound the generator keeps every
/// program under, and how often to make long programs (filler across every ISA's short-branch
/// range), restart a function from its first instruction, or access memory misaligned.
public record GeneratorConfig(Map<Feature, Integer> weights, int minStatements, int maxStatements,
                              int minData, int maxData, int maxFunctions, int maxLoopDepth, int maxLoopTrips,
                              long maxDynamicInsns, double longProgramChance, double restartChance,
                              double misalignedChance) {
    public GeneratorConfig {
        weights = Map.copyOf(weights);
        for (Feature f : Feature.values()) {
            if (weights.getOrDefault(f, 0) < 0) throw new IllegalArgumentException("negative weight for " + f);
        }
        if (weights.values().stream().mapToInt(Integer::intValue).sum() == 0) throw new IllegalArgumentException("every feature has weight 0");
        if (minStatements < 1 || maxStatements < minStatements) throw new IllegalArgumentException("statements " + minStatements + ".." + maxStatements);
        if (minData < 16 || maxData < minData || maxData > 4096) throw new IllegalArgumentException("data size " + minData + ".." + maxData + " (16..4096)");
        // Local calls nest at most 8 frames deep (MemoryLayout.MAX_FRAMES), the entry function included.
        if (maxFunctions < 0 || maxFunctions > 7) throw new IllegalArgumentException("functions " + maxFunctions + " (0..7)");
        if (maxLoopDepth < 0 || maxLoopTrips < 1) throw new IllegalArgumentException("loops");
        if (maxDynamicInsns < 10_000 || maxDynamicInsns > 5_000_000) throw new IllegalArgumentException("dynamic bound " + maxDynamicInsns);
    }

    /// Every feature on, programs of 8–60 statements, up to 4 subprograms, 3% long programs.
    public static GeneratorConfig defaults() {
        Map<Feature, Integer> w = new EnumMap<>(Feature.class);
        w.put(Feature.ALU, 14);
        w.put(Feature.SHIFT, 7);
        w.put(Feature.DIVISION, 7);
        w.put(Feature.MOVSX, 4);
        w.put(Feature.ENDIAN, 4);
        w.put(Feature.LDDW, 4);
        w.put(Feature.LOAD, 9);
        w.put(Feature.STORE, 9);
        w.put(Feature.ATOMIC, 6);
        w.put(Feature.BRANCH, 8);
        w.put(Feature.GOTO, 2);
        w.put(Feature.LOOP, 3);
        w.put(Feature.EARLY_EXIT, 2);
        w.put(Feature.LOCAL_CALL, 3);
        w.put(Feature.CALLX, 1);
        w.put(Feature.HELPER_CALL, 4);
        w.put(Feature.PACKET_LOAD, 1);
        w.put(Feature.POINTER, 3);
        return new GeneratorConfig(w, 8, 60, 16, 128, 4, 2, 8, 200_000, 0.03, 0.1, 0.15);
    }

    public int weight(Feature f) {
        return weights.getOrDefault(f, 0);
    }

    public GeneratorConfig withWeight(Feature f, int weight) {
        Map<Feature, Integer> w = new EnumMap<>(Feature.class);
        w.putAll(weights);
        w.put(f, weight);
        return new GeneratorConfig(w, minStatements, maxStatements, minData, maxData, maxFunctions, maxLoopDepth, maxLoopTrips,
                maxDynamicInsns, longProgramChance, restartChance, misalignedChance);
    }

    public GeneratorConfig withStatements(int min, int max) {
        return new GeneratorConfig(weights, min, max, minData, maxData, maxFunctions, maxLoopDepth, maxLoopTrips,
                maxDynamicInsns, longProgramChance, restartChance, misalignedChance);
    }

    public GeneratorConfig withLongProgramChance(double p) {
        return new GeneratorConfig(weights, minStatements, maxStatements, minData, maxData, maxFunctions, maxLoopDepth, maxLoopTrips,
                maxDynamicInsns, p, restartChance, misalignedChance);
    }

    public GeneratorConfig withFunctions(int max) {
        return new GeneratorConfig(weights, minStatements, maxStatements, minData, maxData, max, maxLoopDepth, maxLoopTrips,
                maxDynamicInsns, longProgramChance, restartChance, misalignedChance);
    }

    public GeneratorConfig withMisalignedChance(double p) {
        return new GeneratorConfig(weights, minStatements, maxStatements, minData, maxData, maxFunctions, maxLoopDepth, maxLoopTrips,
                maxDynamicInsns, longProgramChance, restartChance, p);
    }
}

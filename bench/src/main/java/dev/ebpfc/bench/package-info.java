/// JMH benchmarks of the interpreter ([dev.ebpfc.bench.InterpreterBenchmark]), native execution
/// ([dev.ebpfc.bench.NativeBenchmark]) and compile time ([dev.ebpfc.bench.CompileBenchmark]) over
/// the C programs of `bench/programs`. The one-run suite with the clang -O2 comparison is
/// `ebpfc bench` (cli; docs/bench.md).
package dev.ebpfc.bench;

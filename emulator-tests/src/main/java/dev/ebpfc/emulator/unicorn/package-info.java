/// Unicorn 2 bound through `java.lang.foreign` against the system libunicorn.so.2 (Debian
/// libunicorn2 2.0.1): [dev.ebpfc.emulator.unicorn.Unicorn] is one engine; the register tables
/// carry the header ids; [dev.ebpfc.emulator.unicorn.UnicornNative] is the only class that links
/// symbols. Written for the differential runner, which executes millions of tiny programs, so hot
/// calls allocate nothing and hook exceptions never cross the native boundary.
package dev.ebpfc.emulator.unicorn;

/// backend-x86_64: see ARCHITECTURE.md (module table). Filled by its issue.
package dev.ebpfc.backend.x86_64;

/// backend: see ARCHITECTURE.md (module table). Filled by its issue.
package dev.ebpfc.backend;

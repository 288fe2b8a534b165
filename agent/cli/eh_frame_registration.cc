// Linked into the static CLI only, with -Wl,--wrap for both symbols (agent/CMakeLists.txt).
//
// In a -static link, GCC's crtbeginT.o registers the binary's whole .eh_frame with libgcc's
// unwinder (__register_frame_info), and the first exception thrown then counts and sorts every
// FDE of the 14 MB binary: ~9 ms before CLI11 can print `--help` or a usage error. Without the
// registration the unwinder looks the FDE up as it does in any dynamic executable, through
// dl_iterate_phdr and the sorted table the linker writes with --eh-frame-hdr.

extern "C" {

void __wrap___register_frame_info(const void* /*eh_frame*/, void* /*object*/) {}

// Nothing was registered, so there is nothing to deregister at exit.
void* __wrap___deregister_frame_info(const void* /*eh_frame*/) { return nullptr; }

}  // extern "C"

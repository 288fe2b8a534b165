// Linked into the CLI only, with -Wl,--wrap for the symbol below (agent/CMakeLists.txt).
//
// Each generated .pb.cc (ours, and descriptor.proto's and the well-known types' inside
// libprotobuf) has a static AddDescriptorsRunner that parses its file's descriptor and indexes
// every name in protobuf's generated pool before main: ~0.3 ms of each command, `run -d`, `rm`
// and `ps` included, which never look at a descriptor. With the runner doing nothing, a file is
// added at its first use instead: AssignDescriptors, behind every GetDescriptor() and
// GetReflection() (JSON output), adds the file and its imports first, under protobuf's mutex,
// and DescriptorPool::generated_pool() adds descriptor.proto itself.

namespace google::protobuf::internal {
struct DescriptorTable;
}  // namespace google::protobuf::internal

extern "C" {

// google::protobuf::internal::AddDescriptorsRunner::AddDescriptorsRunner(const DescriptorTable*)
void __wrap__ZN6google8protobuf8internal20AddDescriptorsRunnerC1EPKNS1_15DescriptorTableE(
    void* /*runner*/, const google::protobuf::internal::DescriptorTable* /*table*/) {}

}  // extern "C"

# Writes OUTPUT: the generated INPUT (a .pb.cc) without its AddDescriptorsRunner, the static
# object that adds the file's descriptor to the generated pool before main. Without it the
# descriptor is added at its first use instead: AssignDescriptors (behind every
# GetDescriptor/GetReflection) adds the file and its imports first, under protobuf's own
# mutex. Only the CLI links these copies (agent/CMakeLists.txt says why).
file(READ "${INPUT}" source)
# Counted by a pattern without the line's ';', which CMake would take for a list separator.
string(REGEX MATCHALL "static ::_pbi::AddDescriptorsRunner dynamic_init_dummy_" runners "${source}")
list(LENGTH runners runner_count)
if(NOT runner_count EQUAL 1)
  message(FATAL_ERROR "${INPUT}: expected one AddDescriptorsRunner, found ${runner_count} "
                      "(did protoc's output change?)")
endif()
string(REGEX REPLACE "[^\n]*static ::_pbi::AddDescriptorsRunner dynamic_init_dummy_[^\n]*"
       "// AddDescriptorsRunner left out: the descriptor is added at its first use." source
       "${source}")
file(WRITE "${OUTPUT}" "${source}")

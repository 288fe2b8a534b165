// Where this build tree put what the integration tests run and read: the agent, the CLI, the
// shims, the bundled busybox image, the fixtures. Defined in a source file the build generates
// (tests/integration/CMakeLists.txt, build_paths.cc in the build tree): no other object holds a
// path of one checkout or build tree, so ccache serves the tests' objects to every worktree and
// fresh clone (as -D definitions on every file, each new tree compiled them all again).
#pragma once

namespace boxcar::test {

extern const char* const kBoxcardPath;
extern const char* const kBoxcarCliPath;
extern const char* const kBoxcarShimPath;
extern const char* const kBoxcarLxcShimPath;
extern const char* const kBoxcarRegistryPath;
extern const char* const kBusyboxTarPath;
extern const char* const kFixturesDir;
extern const char* const kSetuidProbePath;

}  // namespace boxcar::test

// The names the tests have always used.
#define BOXCARD_PATH ::boxcar::test::kBoxcardPath
#define BOXCAR_CLI_PATH ::boxcar::test::kBoxcarCliPath
#define BOXCAR_SHIM_PATH ::boxcar::test::kBoxcarShimPath
#define BOXCAR_LXC_SHIM_PATH ::boxcar::test::kBoxcarLxcShimPath
#define BOXCAR_REGISTRY_PATH ::boxcar::test::kBoxcarRegistryPath
#define BOXCAR_BUSYBOX_TAR ::boxcar::test::kBusyboxTarPath
#define BOXCAR_FIXTURES_DIR ::boxcar::test::kFixturesDir
#define BOXCAR_SETUID_PROBE_PATH ::boxcar::test::kSetuidProbePath

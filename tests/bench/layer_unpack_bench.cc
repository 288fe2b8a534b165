// Unpacks layer blobs (UnpackLayer, the path every pulled and imported layer takes) into fresh
// directories, REPEATS times each, and prints per blob the minimum and median of the wall time
// and of the process's CPU time (user + system, every thread). The minimum is the figure to
// compare on a shared machine. Used for A/B of the unpacker (decompression, file creation).
// NOTE: the directories are removed only at the end: on an ext4 without a journal (this
// machine's), creating files shortly after deleting many makes every inode allocation skip
// the recently deleted inodes one by one (ext4's recently_deleted()), which would dominate.
// Usage: layer-unpack-bench SCRATCH_DIR REPEATS BLOB...
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/directory_tree.h"
#include "store/layer_unpacker.h"

namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SCRATCH_DIR REPEATS BLOB...\n", argv[0]);
    return 2;
  }
  const std::string scratch = argv[1];
  const int repeats = std::atoi(argv[2]);
  for (int b = 3; b < argc; ++b) {
    std::vector<double> walls, cpus;
    for (int i = 0; i < repeats; ++i) {
      const std::string dir = scratch + "/unpack-" + std::to_string(i);
      if (!boxcar::MakeDirectories(dir, 0755).ok()) return 1;
      const double cpu_before = CpuSeconds();
      const auto start = std::chrono::steady_clock::now();
      auto unpacked = boxcar::UnpackLayer(argv[b], dir, {});
      const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
      cpus.push_back(CpuSeconds() - cpu_before);
      walls.push_back(wall.count());
      if (!unpacked.ok()) {
        std::fprintf(stderr, "%s: %s\n", argv[b], unpacked.status().message().c_str());
        return 1;
      }
    }
    for (int i = 0; i < repeats; ++i)
      (void)boxcar::RemoveTree(scratch + "/unpack-" + std::to_string(i));
    std::printf("%s: wall min %.3f median %.3f s, cpu min %.3f median %.3f s\n", argv[b],
                *std::min_element(walls.begin(), walls.end()), Median(walls),
                *std::min_element(cpus.begin(), cpus.end()), Median(cpus));
  }
  return 0;
}

#include "launch/output_log_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>

namespace boxcar {

std::string OutputLogGenerationName(const std::string& name, uint32_t generation) {
  return generation == 0 ? name : name + "." + std::to_string(generation);
}

std::vector<uint32_t> OutputLogGenerations(int dir_fd, const std::string& name) {
  std::vector<uint32_t> generations;
  // fdopendir takes the descriptor it is given: a duplicate leaves dir_fd open.
  int listing_fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (listing_fd < 0) return generations;
  DIR* dir = ::fdopendir(listing_fd);
  if (dir == nullptr) {
    ::close(listing_fd);
    return generations;
  }
  const std::string prefix = name + ".";
  while (struct dirent* entry = ::readdir(dir)) {
    const char* file = entry->d_name;
    if (name == file) {
      generations.push_back(0);
      continue;
    }
    if (std::strncmp(file, prefix.c_str(), prefix.size()) != 0) continue;
    const char* digits = file + prefix.size();
    if (*digits < '1' || *digits > '9' || std::strspn(digits, "0123456789") != std::strlen(digits))
      continue;
    const unsigned long generation = std::strtoul(digits, nullptr, 10);
    if (generation <= UINT32_MAX) generations.push_back(static_cast<uint32_t>(generation));
  }
  ::closedir(dir);
  std::sort(generations.begin(), generations.end(), std::greater<uint32_t>());
  return generations;
}

}  // namespace boxcar

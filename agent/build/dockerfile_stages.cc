#include "build/dockerfile_stages.h"

#include <algorithm>
#include <cctype>

#include "build/shell_words.h"

namespace boxcar {

std::string StageNameKey(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

StatusOr<size_t> EndOfTargetStage(const Dockerfile& dockerfile, size_t first,
                                  const std::string& target) {
  const auto& instructions = dockerfile.instructions;
  if (target.empty()) return instructions.size();
  bool found = false;
  for (size_t j = first; j < instructions.size(); ++j) {
    if (instructions[j].keyword != "FROM") continue;
    if (found) return j;
    auto words = SplitRawWords(instructions[j].args, dockerfile.escape);
    if (words.size() == 3 && StageNameKey(words[2]) == StageNameKey(target)) found = true;
  }
  if (!found) return InvalidArgument("target: no stage named '" + target + "'");
  return instructions.size();
}

}  // namespace boxcar

// .dockerignore as Docker reads it: one pattern a line, "#" comments, "!" exceptions, the
// last matching line wins; "*" and "?" stay within a path component, "**" spans any number
// of them; a pattern that matches a directory excludes everything below it.
#pragma once

#include <regex>
#include <string>
#include <vector>

namespace boxcar::cli {

class DockerIgnore {
 public:
  DockerIgnore() = default;
  explicit DockerIgnore(const std::string& text);

  // `path` relative to the context, "/"-separated, no leading "./".
  bool Excluded(const std::string& path) const;
  // Some pattern is an exception: an excluded directory may still hold included paths.
  bool HasExceptions() const { return has_exceptions_; }

 private:
  struct Rule {
    std::regex pattern;
    bool exception = false;
  };
  std::vector<Rule> rules_;
  bool has_exceptions_ = false;
};

}  // namespace boxcar::cli

// A Dockerfile as a list of instructions: parser directives (escape), comments, line
// continuations, flags (--from=x) and the JSON exec form, each instruction with the line it
// starts on. Heredocs (<<EOF, BuildKit) and unknown instructions are refused with the line.
// Variables are not expanded here (shell_words.h does that, step by step, in the builder).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct DockerfileInstruction {
  int line = 0;              // 1-based line the instruction starts on
  std::string keyword;       // upper case: "RUN", "COPY", ...
  std::string original;      // as written, continuations joined: "RUN echo  hi"
  std::map<std::string, std::string> flags;  // "--from=base" -> {"from", "base"}
  std::string args;          // the rest after the flags, trimmed
  bool exec_form = false;    // args were a JSON array of strings
  std::vector<std::string> exec_args;
};

struct Dockerfile {
  char escape = '\\';
  std::vector<DockerfileInstruction> instructions;
};

// Larger Dockerfiles are refused (kInvalidArgument), before any parsing.
constexpr size_t kMaxDockerfileBytes = 1 << 20;

// Errors (kInvalidArgument) read "Dockerfile line N: ...".
StatusOr<Dockerfile> ParseDockerfile(const std::string& text);

// The JSON exec form: ["a", "b"] -> {"a", "b"}; false when `text` is not a JSON array of
// strings.
bool ParseJsonStringArray(const std::string& text, std::vector<std::string>* values);

}  // namespace boxcar

// The instructions that change only the image config (and the stage's variables): ENV, ARG,
// LABEL, EXPOSE, VOLUME, USER, WORKDIR, CMD, ENTRYPOINT, STOPSIGNAL, SHELL, HEALTHCHECK,
// ONBUILD, MAINTAINER. Arguments are expanded where Docker expands them.
#pragma once

#include <map>
#include <set>
#include <string>

#include "build/build_stage.h"
#include "build/dockerfile_parser.h"

namespace boxcar {

struct ArgSources {
  const std::map<std::string, std::string>* build_args;  // --build-arg
  const BuildVariables* global_args;                       // ARGs before the first FROM
  std::set<std::string>* declared;  // gets each ARG name declared (a --build-arg it consumes)
};

bool IsMetadataInstruction(const std::string& keyword);

// Applies `instruction` to `stage`; `created_by` gets the history text. Errors are
// kInvalidArgument without the line (the caller adds it).
Status ApplyMetadataInstruction(const DockerfileInstruction& instruction, char escape,
                                const ArgSources& arg_sources, BuildStage& stage,
                                std::string* created_by);

// "ARG NAME[=default] ..." declarations: (name, default or nullopt).
StatusOr<std::vector<std::pair<std::string, std::optional<std::string>>>> ParseArgDeclarations(
    const std::string& args, char escape, const BuildVariables& variables);

// The command of RUN / CMD / ENTRYPOINT: the exec form as is, the shell form under `shell`.
std::vector<std::string> CommandOf(const DockerfileInstruction& instruction,
                                   const std::vector<std::string>& shell);

}  // namespace boxcar

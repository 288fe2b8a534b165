#include "launch/shim_reply.h"

#include <string>

namespace boxcar {

Status ShimErrorStatus(std::istream& words, int* exit_code_hint) {
  int code = 125;
  words >> code;
  std::string message;
  std::getline(words, message);
  if (!message.empty() && message.front() == ' ') message.erase(0, 1);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  *exit_code_hint = code;
  if (code == 126 || code == 127) return InvalidArgument("command: " + message);
  return Internal("starting the payload: " + message);
}

}  // namespace boxcar

// Questions asked at a terminal, as `docker login` asks for what its flags did not give: a
// prompt on stderr, a line read from stdin, what is typed not echoed for a password (the
// terminal's echo is restored on return and on Ctrl-C).
#pragma once

#include <optional>
#include <string>

namespace boxcar::cli {

// Whether stdin is a terminal a question can be asked at.
bool StdinIsTerminal();

// `prompt` on stderr, then a line from stdin without its line end; `hidden`: with the
// terminal's echo off. nullopt at end of input or on a read error.
std::optional<std::string> AskAtTerminal(const char* prompt, bool hidden);

}  // namespace boxcar::cli

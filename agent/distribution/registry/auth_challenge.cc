#include "distribution/registry/auth_challenge.h"

#include <cctype>

namespace boxcar {

namespace {

std::string Lower(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~/:=").find(c) != std::string_view::npos;
}

}  // namespace

StatusOr<AuthChallenge> ParseAuthChallenge(std::string_view header) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("WWW-Authenticate: '" + std::string(header) + "': " + why);
  };
  size_t i = 0;
  auto skip_space = [&] {
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
  };
  skip_space();
  size_t start = i;
  while (i < header.size() && IsTokenChar(header[i]) && header[i] != '=') ++i;
  if (i == start) return bad("no authentication scheme");
  AuthChallenge challenge;
  challenge.scheme = Lower(header.substr(start, i - start));
  for (;;) {
    skip_space();
    while (i < header.size() && header[i] == ',') {
      ++i;
      skip_space();
    }
    if (i >= header.size()) break;
    size_t name_start = i;
    while (i < header.size() && IsTokenChar(header[i]) && header[i] != '=') ++i;
    if (i == name_start) return bad("unexpected '" + std::string(1, header[i]) + "'");
    std::string name = Lower(header.substr(name_start, i - name_start));
    skip_space();
    if (i >= header.size() || header[i] != '=') {
      return bad("parameter '" + name + "' has no value");
    }
    ++i;
    skip_space();
    std::string value;
    if (i < header.size() && header[i] == '"') {
      ++i;
      bool closed = false;
      while (i < header.size()) {
        char c = header[i++];
        if (c == '\\' && i < header.size()) {
          value += header[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return bad("unterminated quoted value of '" + name + "'");
    } else {
      size_t value_start = i;
      while (i < header.size() && header[i] != ',' && header[i] != ' ') ++i;
      value = std::string(header.substr(value_start, i - value_start));
    }
    challenge.params[name] = value;
  }
  return challenge;
}

}  // namespace boxcar

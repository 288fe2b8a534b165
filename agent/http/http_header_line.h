// One response header line as libcurl's CURLOPT_HEADERFUNCTION hands it over ("Name: value\r\n"),
// split into a lower-case name and a trimmed value.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace boxcar {

// False for lines without a colon (the status line, the blank line that ends the headers).
inline bool ParseHttpHeaderLine(std::string_view line, std::string* name, std::string* value) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  name->clear();
  for (char c : line.substr(0, colon))
    name->push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string_view rest = line.substr(colon + 1);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == '\r' || rest.back() == '\n' || rest.back() == ' '))
    rest.remove_suffix(1);
  value->assign(rest);
  return true;
}

}  // namespace boxcar

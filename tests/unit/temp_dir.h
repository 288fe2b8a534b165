// A unit test's scratch directory: the mkdtemp set-up every fixture wrote again.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace boxcar {

// `*path` becomes a new directory made from `path_template` ("/tmp/boxcar-x-XXXXXX"); a fatal
// test failure when it cannot be made. In SetUp: ASSERT_NO_FATAL_FAILURE(MakeTempDir(...)), so
// that nothing runs on an empty path. The fixture removes it.
inline void MakeTempDir(const char* path_template, std::string* path) {
  std::string name = path_template;
  ASSERT_NE(::mkdtemp(name.data()), nullptr)
      << "mkdtemp " << path_template << ": " << std::strerror(errno);
  *path = name;
}

}  // namespace boxcar

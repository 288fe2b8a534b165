#include "registry/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <stdio.h>

#include <map>

namespace boxcar::registry {
namespace {

TEST(TarWriter, LibarchiveReadsWhatItWrites) {
  FILE* file = tmpfile();
  ASSERT_NE(file, nullptr);
  TarWriter tar(fileno(file));
  ASSERT_TRUE(tar.AddFile("oci-layout", "{}").ok());
  ASSERT_TRUE(tar.AddDirectory("blobs/").ok());
  const std::string big(1000, 'z');
  ASSERT_TRUE(tar.BeginFile("blobs/big", big.size()).ok());
  ASSERT_TRUE(tar.Write(big.data(), 600).ok());
  ASSERT_TRUE(tar.Write(big.data() + 600, 400).ok());
  ASSERT_TRUE(tar.EndFile().ok());
  ASSERT_TRUE(tar.Finish().ok());
  fflush(file);
  rewind(file);

  archive* reader = archive_read_new();
  archive_read_support_format_tar(reader);
  ASSERT_EQ(archive_read_open_FILE(reader, file), ARCHIVE_OK);
  std::map<std::string, std::string> members;
  archive_entry* entry;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    std::string content(static_cast<size_t>(archive_entry_size(entry)), '\0');
    if (!content.empty()) archive_read_data(reader, content.data(), content.size());
    members[archive_entry_pathname(entry)] = content;
    EXPECT_EQ(archive_entry_uid(entry), 0);
  }
  archive_read_free(reader);
  fclose(file);
  EXPECT_EQ(members.size(), 3u);
  EXPECT_EQ(members["oci-layout"], "{}");
  EXPECT_EQ(members["blobs/big"], big);
  EXPECT_TRUE(members.count("blobs/"));
}

TEST(TarWriter, SizeMismatchesAndLongNamesAreRefused) {
  FILE* file = tmpfile();
  TarWriter tar(fileno(file));
  ASSERT_TRUE(tar.BeginFile("a", 2).ok());
  EXPECT_FALSE(tar.Write("abc", 3).ok());
  EXPECT_FALSE(tar.EndFile().ok());
  EXPECT_FALSE(tar.AddFile(std::string(100, 'n'), "").ok());
  fclose(file);
}

}  // namespace
}  // namespace boxcar::registry

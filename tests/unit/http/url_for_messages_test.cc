#include "http/url_for_messages.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(UrlForMessages, DropsUserinfoCredentialsAndTheQuery) {
  EXPECT_EQ(UrlForMessages("https://registry.example.com/v2/team/app/manifests/1"),
            "https://registry.example.com/v2/team/app/manifests/1");
  EXPECT_EQ(UrlForMessages("https://alice:secret@files.example.com:8443/a/b.tar"),
            "https://***@files.example.com:8443/a/b.tar");
  EXPECT_EQ(UrlForMessages("http://token@host"), "http://***@host");
  EXPECT_EQ(UrlForMessages("alice:secret@registry.example.com:5000/team"),
            "***@registry.example.com:5000/team");
  EXPECT_EQ(UrlForMessages("https://bucket.example.com/blob?X-Amz-Signature=abc&x=1"),
            "https://bucket.example.com/blob?...");
  EXPECT_EQ(UrlForMessages("https://u:p@host?sig=1#frag"), "https://***@host?...");
  EXPECT_EQ(UrlForMessages("https://host/path#frag"), "https://host/path");
  // An '@' in the path is not userinfo.
  EXPECT_EQ(UrlForMessages("https://host/v2/app/manifests/app@sha256:00"),
            "https://host/v2/app/manifests/app@sha256:00");
  // Not a URL with an authority: kept but for a query.
  EXPECT_EQ(UrlForMessages("/v2/app/blobs/uploads/1?_state=x"), "/v2/app/blobs/uploads/1?...");
  EXPECT_EQ(UrlForMessages(""), "");
}

}  // namespace
}  // namespace boxcar

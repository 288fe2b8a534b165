#include "registry/cloud_tls.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

namespace boxcar::registry {
namespace {

TEST(CloudTls, TheHintNamesTheRegistrysOptionAndWhoGivesIt) {
  TlsOptions none = CloudTlsOptions("");
  EXPECT_EQ(none.ca_file, "");
  EXPECT_NE(none.untrusted_hint.find("boxcar-registry does not trust the cloud's certificate"),
            std::string::npos)
      << none.untrusted_hint;
  for (const char* named : {"--os-cacert FILE", "OS_CACERT", "the registry's operator"}) {
    EXPECT_NE(none.untrusted_hint.find(named), std::string::npos) << none.untrusted_hint;
  }
  TlsOptions given = CloudTlsOptions("/etc/boxcar/cloud-ca.pem");
  EXPECT_EQ(given.ca_file, "/etc/boxcar/cloud-ca.pem");
  EXPECT_NE(given.untrusted_hint.find("signed neither by the CA in /etc/boxcar/cloud-ca.pem"),
            std::string::npos)
      << given.untrusted_hint;
}

TEST(CloudTls, TheCaFileMustHoldAPemCertificate) {
  EXPECT_TRUE(CheckCloudCaFile("").ok());
  Status missing = CheckCloudCaFile("/nonexistent/ca.pem");
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.message().find("os-cacert: cannot read '/nonexistent/ca.pem'"),
            std::string::npos)
      << missing.message();

  char path[] = "/tmp/boxcar-cloud-ca.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text = "not a certificate\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  Status garbage = CheckCloudCaFile(path);
  unlink(path);
  EXPECT_NE(garbage.message().find("holds no PEM certificate"), std::string::npos)
      << garbage.message();

  // The system's bundle is a CA file like any other.
  const char* bundle = "/etc/ssl/certs/ca-certificates.crt";
  if (::access(bundle, R_OK) != 0) GTEST_SKIP() << "no " << bundle;
  EXPECT_TRUE(CheckCloudCaFile(bundle).ok()) << CheckCloudCaFile(bundle).message();
}

TEST(CloudTls, TheStartUpCheckSpeaksOnlyOfCertificates) {
  // Plain HTTP is not checked; a peer that refuses the connection is not a certificate problem
  // (the integration test has the untrusted one).
  EXPECT_EQ(UntrustedCertificateAt("http://127.0.0.1:1/v3", CloudTlsOptions("")), "");
  EXPECT_EQ(UntrustedCertificateAt("https://127.0.0.1:1/v3", CloudTlsOptions("")), "");
}

}  // namespace
}  // namespace boxcar::registry

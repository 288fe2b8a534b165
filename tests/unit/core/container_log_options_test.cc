// --log-driver / --log-opt of a spec: what is refused (naming the field), the defaults filled in
// at Create, and the bound the shim is told.
#include "core/container_log_options.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

v1::ContainerSpec SpecWith(
    const std::string& driver,
    std::initializer_list<std::pair<const std::string, std::string>> options) {
  v1::ContainerSpec spec;
  spec.set_log_driver(driver);
  for (const auto& [key, value] : options) (*spec.mutable_log_options())[key] = value;
  return spec;
}

TEST(ContainerLogOptions, SizesAndCountsAsDockerWritesThem) {
  EXPECT_TRUE(ValidateLogSettings(SpecWith("", {})).ok());
  EXPECT_TRUE(
      ValidateLogSettings(SpecWith("local", {{"max-size", "10m"}, {"max-file", "3"}})).ok());
  for (const char* size : {"4096", "10k", "10K", "1m", "20MB", "1g", "2GiB", "-1"}) {
    EXPECT_TRUE(ValidateLogSettings(SpecWith("local", {{"max-size", size}})).ok()) << size;
  }
  EXPECT_EQ(
      LogBoundOf(SpecWith("local", {{"max-size", "10k"}, {"max-file", "3"}}), {}).max_size_bytes,
      10240u);
  EXPECT_EQ(LogBoundOf(SpecWith("local", {{"max-size", "2GiB"}}), {}).max_size_bytes, 2ull << 30);
}

TEST(ContainerLogOptions, BadOnesNameTheirField) {
  struct Case {
    v1::ContainerSpec spec;
    std::string field;
  } cases[] = {
      {SpecWith("", {{"max-size", "10x"}}), "spec.log_options[max-size]"},
      {SpecWith("", {{"max-size", "100"}}), "spec.log_options[max-size]"},
      {SpecWith("", {{"max-size", ""}}), "spec.log_options[max-size]"},
      {SpecWith("", {{"max-size", "-2"}}), "spec.log_options[max-size]"},
      {SpecWith("", {{"max-size", "99999999999999999999g"}}), "spec.log_options[max-size]"},
      {SpecWith("", {{"max-file", "0"}}), "spec.log_options[max-file]"},
      {SpecWith("", {{"max-file", "1001"}}), "spec.log_options[max-file]"},
      {SpecWith("", {{"max-file", "+3"}}), "spec.log_options[max-file]"},
      {SpecWith("", {{"labels", "a"}}), "spec.log_options[labels]"},
      {SpecWith("json-file", {}), "spec.log_driver"},
      {SpecWith("none", {{"max-file", "2"}}), "spec.log_options[max-file]"},
  };
  for (const Case& bad : cases) {
    Status status = ValidateLogSettings(bad.spec);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad.field;
    EXPECT_EQ(status.message().rfind(bad.field + ":", 0), 0u) << status.message();
  }
}

TEST(ContainerLogOptions, DefaultsFillWhatTheSpecLeavesOut) {
  ContainerLogDefaults defaults;
  v1::ContainerSpec spec = SpecWith("", {{"max-size", "1m"}});
  FillLogDefaults(defaults, &spec);
  EXPECT_EQ(spec.log_driver(), "local");
  EXPECT_EQ(spec.log_options().at("max-size"), "1m");
  EXPECT_EQ(spec.log_options().at("max-file"), "5");
  v1::ContainerSpec none = SpecWith("none", {});
  FillLogDefaults(defaults, &none);
  EXPECT_TRUE(none.log_options().empty());
  defaults.driver = "none";
  v1::ContainerSpec by_agent = SpecWith("", {});
  FillLogDefaults(defaults, &by_agent);
  EXPECT_EQ(by_agent.log_driver(), "none");
}

TEST(ContainerLogOptions, TheBoundTheShimIsTold) {
  const ContainerLogDefaults defaults;
  ContainerLogBound bound = LogBoundOf(SpecWith("", {}), defaults);  // created before options
  EXPECT_TRUE(bound.keeps_output);
  EXPECT_EQ(bound.max_size_bytes, 20u << 20);
  EXPECT_EQ(bound.max_files, 5u);
  bound = LogBoundOf(SpecWith("local", {{"max-size", "-1"}}), defaults);
  EXPECT_EQ(bound.max_size_bytes, 0u) << "no bound";
  EXPECT_FALSE(LogBoundOf(SpecWith("none", {}), defaults).keeps_output);
}

}  // namespace
}  // namespace boxcar

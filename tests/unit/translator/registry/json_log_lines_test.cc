#include "registry/json_log_lines.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace boxcar::registry {
namespace {

TEST(JsonLogLines, EachLineIsOneJsonObjectWithTheMessageEscaped) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("test", sink);
  logger.set_formatter(JsonLogLineFormatter());
  const std::string message = "GET /v2/a\"b\\c\n\t\x01 404 \xc3\xa9";
  logger.warn("{}", message);
  logger.info("second");
  std::istringstream lines(out.str());
  std::string first, second, extra;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  EXPECT_FALSE(std::getline(lines, extra)) << "a message with a newline split the line";
  rapidjson::Document doc;
  doc.Parse(first.c_str());
  ASSERT_FALSE(doc.HasParseError()) << first;
  EXPECT_EQ(std::string(doc["msg"].GetString()), message);
  EXPECT_EQ(std::string(doc["level"].GetString()), "warning");
  EXPECT_EQ(std::string(doc["service"].GetString()), "boxcar-registry");
  const std::string time = doc["time"].GetString();
  EXPECT_EQ(time.size(), 24u) << time;  // 2026-12-03T16:00:00.000Z
  EXPECT_EQ(time.back(), 'Z');
  doc.Parse(second.c_str());
  ASSERT_FALSE(doc.HasParseError()) << second;
  EXPECT_EQ(std::string(doc["msg"].GetString()), "second");
}

}  // namespace
}  // namespace boxcar::registry

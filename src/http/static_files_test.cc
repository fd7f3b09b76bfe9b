#include "http/static_files.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace digitrade::http {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = std::filesystem::temp_directory_path() / ("static_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(base_ / "root/assets");
    std::ofstream(base_ / "root/index.html") << "<h1>portal</h1>";
    std::ofstream(base_ / "root/assets/app-1234.js") << "console.log(1)";
    std::ofstream(base_ / "secret.txt") << "secret";
    std::filesystem::create_symlink(base_ / "secret.txt", base_ / "root/leak.txt");
  }
  void TearDown() override { std::filesystem::remove_all(base_); }
  std::filesystem::path base_;
};

TEST_F(StaticFilesTest, ServesIndexAndAssets) {
  StaticFiles files(base_ / "root");
  auto index = files.Serve("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body, "<h1>portal</h1>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  auto js = files.Serve("/assets/app-1234.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->headers[0].second, "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesTest, RefusesTraversalAndEscapes) {
  StaticFiles files(base_ / "root");
  EXPECT_FALSE(files.Serve("/../secret.txt"));
  EXPECT_FALSE(files.Serve("/assets/../../secret.txt"));
  EXPECT_FALSE(files.Serve("/leak.txt"));
  EXPECT_FALSE(files.Serve("/assets"));
  EXPECT_FALSE(files.Serve("/missing.js"));
  EXPECT_FALSE(files.Serve("//etc/passwd"));
  EXPECT_FALSE(files.Serve("/a\\b"));
}

}  // namespace
}  // namespace digitrade::http

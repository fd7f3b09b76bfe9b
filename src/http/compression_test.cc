#include "http/compression.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/internal/test_util.h"

namespace digitrade::http {
namespace {

TEST(AcceptsGzip, FollowsTheWeights) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("gzip ; q=1"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000"));
  EXPECT_FALSE(AcceptsGzip("*, gzip;q=0"));  // the explicit refusal wins over the wildcard
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=2"));  // malformed weight: the member is ignored
  EXPECT_FALSE(AcceptsGzip("gzip;q=abc"));
  EXPECT_TRUE(AcceptsGzip(",,gzip,,"));
}

TEST(Gzip, RoundTripsAndBounds) {
  std::string data;
  for (int i = 0; i < 2000; ++i) data += "entry " + std::to_string(i) + "\n";
  auto packed = Gzip(data);
  ASSERT_TRUE(packed) << packed.error().message();
  EXPECT_LT(packed->size(), data.size() / 3);
  auto back = Gunzip(*packed, data.size());
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, data);

  EXPECT_EQ(Gunzip(*packed, data.size() - 1).error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(Gunzip("not gzip", 100).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Gunzip(packed->substr(0, packed->size() / 2), data.size()).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Gunzip(*packed + "x", data.size()).error().code(), ErrorCode::kInvalidArgument);
  auto empty = Gzip("");
  ASSERT_TRUE(empty);
  EXPECT_EQ(Gunzip(*empty, 0).value(), "");
}

// The gzip CLI (an independent implementation) reads what we write.
TEST(Gzip, TheGzipToolDecompressesIt) {
  storage::testing::TempDir dir;
  const std::string data = "C2SP tlog-tiles entry bundle\n" + std::string(5000, 'x');
  const auto path = dir.path() / "bundle.gz";
  {
    std::ofstream f(path, std::ios::binary);
    f << Gzip(data).value();
  }
  const std::string cmd = "gzip -dc " + path.string() + " > " + (dir.path() / "out").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(dir.path() / "out", std::ios::binary);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), data);
}

TEST(CompressIfAccepted, CompressesOnlyWhenAskedAndAlwaysVaries) {
  Response plain = Response::Text(200, std::string(1000, 'a'), "application/octet-stream");
  Request no_header;
  CompressIfAccepted(no_header, plain);
  EXPECT_EQ(plain.body, std::string(1000, 'a'));
  ASSERT_EQ(plain.headers.size(), 1u);
  EXPECT_EQ(plain.headers[0], (std::pair<std::string, std::string>{"vary", "accept-encoding"}));

  Request gzip_ok;
  gzip_ok.headers.emplace_back("accept-encoding", "gzip, deflate");
  Response packed = Response::Text(200, std::string(1000, 'a'), "application/octet-stream");
  CompressIfAccepted(gzip_ok, packed);
  EXPECT_EQ(Gunzip(packed.body, 1000).value(), std::string(1000, 'a'));
  EXPECT_EQ(packed.headers.back(),
            (std::pair<std::string, std::string>{"content-encoding", "gzip"}));
}

}  // namespace
}  // namespace digitrade::http

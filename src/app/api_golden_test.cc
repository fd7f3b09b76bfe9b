// Golden HTTP exchanges: tests/api/*.http hold requests and the exact
// responses expected, run in order through the real dispatcher on a fresh
// SQLite database. Ids, timestamps and tokens are normalised before the
// comparison (org_*, usr_*, tok_*, dt_*, <time>). Variables in requests:
// $ADMIN (admin token), $BANK (a bank user's token), $CARRIER (a carrier
// user's token, in no organisation), $LAST_ID (the id of the last response
// that had one), $PEER_TOKEN (the inbound_token of the last PINT peer
// registered).
//
// To refresh the expected responses after an intended change:
//   DIGITRADE_UPDATE_GOLDEN=1 build/release/src/app/app_test --gtest_filter='Golden*'
// and review the diff.
#include <fstream>
#include <regex>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "app/test_env.h"

namespace digitrade::app {
namespace {

struct Exchange {
  std::string title;
  std::string request_text;  // as written, for rewriting
  http::Request request;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::vector<Exchange> ParseGolden(const std::string& text) {
  std::vector<Exchange> out;
  std::istringstream in(text);
  std::string line;
  enum { kNone, kReqLine, kReqHeaders, kReqBody, kResHeaders, kResBody } state = kNone;
  Exchange* ex = nullptr;
  while (std::getline(in, line)) {
    if (line.starts_with("### ")) {
      out.emplace_back();
      ex = &out.back();
      ex->title = line.substr(4);
      state = kReqLine;
      continue;
    }
    if (ex == nullptr) continue;
    if (line.starts_with("<<< ")) {
      ex->status = std::stoi(line.substr(4));
      ex->request.body = Trim(ex->request.body);
      state = kResHeaders;
      continue;
    }
    switch (state) {
      case kReqLine: {
        if (line.empty() || line[0] == '#') break;
        const auto sp = line.find(' ');
        ex->request.method = line.substr(0, sp);
        ex->request.target = line.substr(sp + 1);
        ex->request_text += line + "\n";
        state = kReqHeaders;
        break;
      }
      case kReqHeaders:
        ex->request_text += line + "\n";
        if (line.empty()) {
          state = kReqBody;
        } else {
          const auto c = line.find(": ");
          std::string name = line.substr(0, c);
          for (auto& ch : name) ch = static_cast<char>(std::tolower(ch));
          ex->request.headers.emplace_back(name, line.substr(c + 2));
        }
        break;
      case kReqBody:
        ex->request_text += line + "\n";
        ex->request.body += line + "\n";
        break;
      case kResHeaders:
        if (line.empty()) {
          state = kResBody;
        } else {
          const auto c = line.find(": ");
          ex->headers.emplace_back(line.substr(0, c), line.substr(c + 2));
        }
        break;
      case kResBody:
        ex->body += line + "\n";
        break;
      case kNone:
        break;
    }
  }
  for (auto& e : out) e.body = Trim(e.body);
  return out;
}

std::string Normalize(std::string body) {
  static const std::regex ids(R"(\b(org|usr|tok)_[0-9a-f]{20}\b)");
  static const std::regex times(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  static const std::regex tokens(R"(dt_[A-Za-z0-9_-]{43})");
  static const std::regex uptime(R"("uptime_seconds":\d+)");
  static const std::regex requests(R"("requests_total":\d+)");
  body = std::regex_replace(body, ids, "$1_*");
  body = std::regex_replace(body, times, "<time>");
  body = std::regex_replace(body, tokens, "dt_*");
  body = std::regex_replace(body, uptime, "\"uptime_seconds\":0");
  return std::regex_replace(body, requests, "\"requests_total\":0");
}

std::string Substitute(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    for (auto pos = s.find(k); pos != std::string::npos; pos = s.find(k, pos + v.size())) {
      s.replace(pos, k.size(), v);
    }
  }
  return s;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, ResponsesMatch) {
  const auto path = testing::SourceDir() / "tests/api" / GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  auto exchanges = ParseGolden(text);
  ASSERT_FALSE(exchanges.empty());

  testing::PlatformEnv env;
  auto& dir = *env.platform().directory;
  auto bank_user = dir.CreateUser({.name = "golden.bank", .roles = {"bank"}}).value();
  std::map<std::string, std::string> vars = {{"$ADMIN", env.admin_token()},
                                             {"$BANK", dir.CreateToken(bank_user.id, "golden")->secret},
                                             {"$LAST_ID", ""}};
  // Made only for the files that use it, so the others' counts stay put.
  if (text.find("$CARRIER") != std::string::npos) {
    auto carrier_user = dir.CreateUser({.name = "golden.carrier", .roles = {"carrier"}}).value();
    vars["$CARRIER"] = dir.CreateToken(carrier_user.id, "golden")->secret;
  }
  const bool update = std::getenv("DIGITRADE_UPDATE_GOLDEN") != nullptr;
  std::string rewritten;
  for (auto& ex : exchanges) {
    http::Request req = ex.request;
    req.target = Substitute(req.target, vars);
    req.body = Substitute(req.body, vars);
    for (auto& [k, v] : req.headers) v = Substitute(v, vars);
    http::Response res = env.dispatcher().Handle(req);
    std::string actual = Normalize(res.body);
    if (res.content_type.find("json") != std::string::npos && !res.body.empty()) {
      auto v = boost::json::parse(res.body);
      if (v.is_object() && v.as_object().contains("id")) {
        vars["$LAST_ID"] = std::string(v.as_object().at("id").as_string());
      }
      if (v.is_object() && v.as_object().contains("inbound_token")) {
        vars["$PEER_TOKEN"] = std::string(v.as_object().at("inbound_token").as_string());
      }
      actual = Normalize(boost::json::serialize(v));
    }
    if (update) {
      rewritten += "### " + ex.title + "\n" + ex.request_text;
      if (!ex.request_text.ends_with("\n\n")) rewritten += "\n";
      rewritten += "<<< " + std::to_string(res.status) + "\n";
      rewritten += "Content-Type: " + res.content_type + "\n\n" + actual + "\n\n";
      continue;
    }
    SCOPED_TRACE(ex.title);
    EXPECT_EQ(res.status, ex.status);
    for (const auto& [name, value] : ex.headers) {
      if (name == "Content-Type") {
        EXPECT_EQ(res.content_type, value);
        continue;
      }
      bool found = false;
      for (const auto& [k, v] : res.headers) found = found || (k == name && Normalize(v) == value);
      EXPECT_TRUE(found) << "missing header " << name << ": " << value;
    }
    EXPECT_EQ(actual, ex.body);
  }
  if (update) {
    std::ofstream(path) << Trim(rewritten) << "\n";
    GTEST_SKIP() << "rewrote " << path;
  }
}

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(testing::SourceDir() / "tests/api")) {
    if (e.path().extension() == ".http") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, ::testing::ValuesIn(GoldenFiles()),
                         [](const auto& param_info) {
                           std::string n = param_info.param.substr(0, param_info.param.find('.'));
                           for (auto& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

}  // namespace
}  // namespace digitrade::app

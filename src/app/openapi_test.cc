// Keeps docs/openapi.yaml true to the routes: every route is documented with
// the right method, every documented operation exists, and exactly the
// public routes are marked `security: []`.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "app/test_env.h"

namespace digitrade::app {
namespace {

struct Operation {
  bool is_public = false;
};

std::map<std::string, Operation> DocumentedOperations(const std::string& yaml) {
  std::map<std::string, Operation> ops;
  std::istringstream in(yaml);
  std::string line, path, current;
  bool in_paths = false;
  const std::regex path_re(R"(^  (/\S*):\s*$)");
  const std::regex method_re(R"(^    (get|post|put|patch|delete):\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (in_paths && !line.empty() && line[0] != ' ') break;
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_re)) {
      path = m[1];
    } else if (std::regex_match(line, m, method_re)) {
      std::string method = m[1];
      for (auto& c : method) c = static_cast<char>(std::toupper(c));
      current = method + " " + path;
      ops[current] = {};
    } else if (!current.empty() && line == "      security: []") {
      ops[current].is_public = true;
    }
  }
  return ops;
}

TEST(OpenApi, DocumentMatchesTheRoutes) {
  testing::PlatformEnv env;
  const auto documented = DocumentedOperations(kOpenApiYaml);
  ASSERT_FALSE(documented.empty());
  std::set<std::string> routed;
  for (const auto& r : env.router().routes()) {
    const std::string key = r->spec.method + " " + r->spec.pattern;
    routed.insert(key);
    auto it = documented.find(key);
    if (it == documented.end()) {
      ADD_FAILURE() << key << " is routed but not in docs/openapi.yaml";
      continue;
    }
    EXPECT_EQ(it->second.is_public, r->spec.access == http::Access::kPublic)
        << key << ": `security: []` in the document must match a public route";
  }
  for (const auto& [key, op] : documented) {
    EXPECT_TRUE(routed.count(key)) << key << " is documented but has no route";
  }
}

TEST(OpenApi, EmbeddedCopyIsTheFileInDocs) {
  std::ifstream in(testing::SourceDir() / "docs/openapi.yaml");
  ASSERT_TRUE(in) << "set DIGITRADE_SOURCE_DIR";
  std::string file((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(file, kOpenApiYaml);
}

TEST(OpenApi, StateChangingRoutesAreNeverPublic) {
  testing::PlatformEnv env;
  for (const auto& r : env.router().routes()) {
    if (r->spec.method != "GET") {
      EXPECT_NE(r->spec.access, http::Access::kPublic) << r->spec.method << " " << r->spec.pattern;
    }
  }
}

}  // namespace
}  // namespace digitrade::app

#include "http/router.h"

#include <gtest/gtest.h>

namespace digitrade::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) -> Result<Response> { return Response::Text(200, name); };
}

TEST(Router, MatchesLiteralsParamsAndRest) {
  Router r;
  r.Add({.method = "GET", .pattern = "/v1/organisations"}, Named("list"));
  r.Add({.method = "GET", .pattern = "/v1/organisations/{id}"}, Named("one"));
  r.Add({.method = "GET", .pattern = "/v1/organisations/mine"}, Named("mine"));
  r.Add({.method = "GET", .pattern = "/log/{log}/tile/{rest...}"}, Named("tile"));

  auto m = r.Find("GET", "/v1/organisations/org_1");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->spec.pattern, "/v1/organisations/{id}");
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>("id", "org_1")));

  m = r.Find("GET", "/v1/organisations/mine");
  EXPECT_EQ(m.route->spec.pattern, "/v1/organisations/mine");

  m = r.Find("GET", "/log/main/tile/0/x001/234.p/5");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params[1].second, "0/x001/234.p/5");

  EXPECT_EQ(r.Find("GET", "/v1/organisations/").route, nullptr);
  EXPECT_EQ(r.Find("GET", "/v1/organisations/a/b").route, nullptr);
  EXPECT_EQ(r.Find("GET", "/log/main/tile").route, nullptr);
}

TEST(Router, ReportsAllowedMethods) {
  Router r;
  r.Add({.method = "GET", .pattern = "/v1/x"}, Named("get"));
  r.Add({.method = "POST", .pattern = "/v1/x"}, Named("post"));
  auto m = r.Find("DELETE", "/v1/x");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_TRUE(r.Find("DELETE", "/v1/y").allowed_methods.empty());
}

}  // namespace
}  // namespace digitrade::http

#include "http/dispatcher.h"

#include <algorithm>
#include <future>
#include <thread>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "http/test_support.h"

namespace digitrade::http {
namespace {

using identity::Role;

class DispatcherTest : public ::testing::Test, protected testing::DispatchStack {
 protected:
  void SetUp() override {
    auth_.Add("admin-token", {.user_id = "usr_admin", .roles = {Role::kAdmin}});
    auth_.Add("bank-token", {.user_id = "usr_bank", .roles = {Role::kBank}});
    router_.Add({.method = "GET", .pattern = "/open", .access = Access::kPublic},
                [](Request&) -> Result<Response> { return Response::Text(200, "open"); });
    router_.Add({.method = "POST", .pattern = "/v1/things", .roles = {Role::kAdmin}, .max_body = 64,
                 .json_body = true},
                [this](Request& r) -> Result<Response> {
                  ++writes_;
                  return Response::Text(201, r.Caller().user_id);
                });
    router_.Add({.method = "GET", .pattern = "/v1/fail/{code}"},
                [](Request& r) -> Result<Response> {
                  if (r.Param("code") == "throw") throw std::runtime_error("boom");
                  if (r.Param("code") == "internal") return Internal("db file is corrupt at page 7");
                  return Conflict("the record moved on");
                });
    router_.Add({.method = "POST",
                 .pattern = "/v3/things",
                 .roles = {Role::kAdmin},
                 .json_body = true,
                 .error_body = [](const Request& req, const Error& e, int status) {
                   Response res = Response::Json(
                       status, {{"statusCode", status},
                                {"requestUri", req.path},
                                {"code", std::string(ErrorCodeName(e.code()))}});
                   res.headers.emplace_back("API-Version", "3.0.0");
                   return res;
                 }},
                [this](Request&) -> Result<Response> {
                  ++writes_;
                  return Response::Text(201, "made");
                });
    // Answers from another thread, through a task on the request's thread
    // (the executor), after the auth and role checks of any route.
    router_.AddAsync({.method = "POST", .pattern = "/v1/async/{what}", .roles = {Role::kAdmin}},
                     [this](Request& r, Responder reply) {
                       const std::string what(r.Param("what"));
                       if (what == "throw") throw std::runtime_error("boom");
                       if (what == "drop") return;
                       async_threads_.emplace_back([this, what, reply, &r] {
                         reply.Post([this, what, &r]() -> Result<Response> {
                           task_thread_ = std::this_thread::get_id();
                           if (what == "fail") return Conflict("the record moved on");
                           return Response::Text(200, r.Caller().user_id + " " + what);
                         });
                       });
                     });
  }
  void TearDown() override {
    for (auto& t : async_threads_) t.join();
  }

  Response Send(std::string method, std::string target, std::string token = "",
                std::string content_type = "", std::string body = "") {
    Request r{.method = std::move(method), .target = std::move(target), .body = std::move(body)};
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    if (!content_type.empty()) r.headers.emplace_back("content-type", content_type);
    return dispatcher_.Handle(r);
  }

  static boost::json::object Json(const Response& r) { return boost::json::parse(r.body).as_object(); }

  int writes_ = 0;
  std::vector<std::thread> async_threads_;
  std::thread::id task_thread_;
};

TEST_F(DispatcherTest, PublicRoutesNeedNoToken) {
  auto r = Send("GET", "/open");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "open");
}

TEST_F(DispatcherTest, StateChangeNeedsTokenAndRole) {
  auto none = Send("POST", "/v1/things", "", "application/json", "{}");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.content_type, "application/problem+json");
  EXPECT_EQ(Json(none)["type"], "urn:digitrade:problem:unauthenticated");
  EXPECT_EQ(Json(none)["detail"], "this endpoint needs an API token: Authorization: Bearer dt_...");

  auto bad = Send("POST", "/v1/things", "nope", "application/json", "{}");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(Json(bad)["detail"], "unknown API token");

  auto bank = Send("POST", "/v1/things", "bank-token", "application/json", "{}");
  EXPECT_EQ(bank.status, 403);
  EXPECT_EQ(Json(bank)["detail"], "this action requires the role admin");
  EXPECT_EQ(writes_, 0);

  auto ok = Send("POST", "/v1/things", "admin-token", "application/json; charset=utf-8", "{}");
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(ok.body, "usr_admin");
  EXPECT_EQ(writes_, 1);
}

TEST_F(DispatcherTest, WrongContentTypeIs415) {
  auto r = Send("POST", "/v1/things", "admin-token", "text/plain", "{}");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(Json(r)["type"], "urn:digitrade:problem:unsupported-media-type");
  EXPECT_EQ(writes_, 0);
}

TEST_F(DispatcherTest, UnknownRoutesAndMethods) {
  auto r = Send("GET", "/nowhere");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Json(r)["detail"], "no resource at GET /nowhere");
  auto m = Send("DELETE", "/open");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(Json(m)["detail"], "DELETE is not supported here; use GET");
  auto bad = Send("GET", "/a%zz");
  EXPECT_EQ(bad.status, 400);
}

TEST_F(DispatcherTest, ErrorsBecomeProblems) {
  auto c = Send("GET", "/v1/fail/conflict", "bank-token");
  EXPECT_EQ(c.status, 409);
  EXPECT_EQ(Json(c)["detail"], "the record moved on");
  EXPECT_EQ(Json(c)["instance"], "/v1/fail/conflict");
  auto i = Send("GET", "/v1/fail/internal", "bank-token");
  EXPECT_EQ(i.status, 500);
  EXPECT_EQ(Json(i)["detail"], "an internal error occurred; it has been logged");
  auto t = Send("GET", "/v1/fail/throw", "bank-token");
  EXPECT_EQ(t.status, 500);
}

TEST_F(DispatcherTest, BodyLimitPerRoute) {
  EXPECT_EQ(dispatcher_.BodyLimit("POST", "/v1/things"), 64u);
  EXPECT_EQ(dispatcher_.BodyLimit("GET", "/elsewhere"), Dispatcher::kDefaultBodyLimit);
}

TEST_F(DispatcherTest, CountsRequestsByRoute) {
  Send("GET", "/open");
  Send("GET", "/nowhere");
  EXPECT_NE(metrics_.Render().find("route=\"/open\",method=\"GET\",status=\"200\"} 1"), std::string::npos);
  EXPECT_NE(metrics_.Render().find("route=\"unmatched\",method=\"GET\",status=\"404\"} 1"),
            std::string::npos);
}

TEST_F(DispatcherTest, AsyncRoutesAnswerLaterThroughTheExecutor) {
  // Handle() waits, running the route's tasks on the calling thread.
  auto ok = Send("POST", "/v1/async/done", "admin-token");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "usr_admin done");
  EXPECT_EQ(task_thread_, std::this_thread::get_id());
  EXPECT_EQ(Json(Send("POST", "/v1/async/fail", "admin-token"))["detail"], "the record moved on");
  EXPECT_EQ(Send("POST", "/v1/async/throw", "admin-token").status, 500);
  EXPECT_EQ(Json(Send("POST", "/v1/async/drop", "admin-token"))["detail"],
            "an internal error occurred; it has been logged");
  // Checks before the handler answer at once.
  EXPECT_EQ(Send("POST", "/v1/async/done", "bank-token").status, 403);
  EXPECT_NE(metrics_.Render().find("route=\"/v1/async/{what}\",method=\"POST\",status=\"200\"} 1"),
            std::string::npos);

  // HandleAsync() with an executor of the caller's: the answer comes once,
  // after the task ran there.
  auto req = std::make_shared<Request>(Request{.method = "POST", .target = "/v1/async/later"});
  req->headers.emplace_back("authorization", "Bearer admin-token");
  std::promise<std::function<void()>> task;
  std::promise<Response> answer;
  int answers = 0;
  dispatcher_.HandleAsync(
      req, [&task](std::function<void()> t) { task.set_value(std::move(t)); },
      [&](Response r) {
        ++answers;
        answer.set_value(std::move(r));
      });
  task.get_future().get()();
  const Response r = answer.get_future().get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "usr_admin later");
  EXPECT_EQ(answers, 1);
  EXPECT_FALSE(r.headers.empty());  // X-Request-Id
}

}  // namespace
}  // namespace digitrade::http

namespace digitrade::http {
namespace {

// A route with its own error body gets it for every refusal made before
// its handler runs; the handler never runs.
TEST_F(DispatcherTest, RefusalsBeforeTheHandlerUseTheRoutesErrorBody) {
  const auto check = [&](const Response& r, int status, const char* code) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.content_type, "application/json");
    auto body = Json(r);
    EXPECT_EQ(body["statusCode"], status);
    EXPECT_EQ(body["requestUri"], "/v3/things");
    EXPECT_EQ(body["code"], code);
    EXPECT_TRUE(std::ranges::any_of(r.headers, [](const auto& h) { return h.first == "API-Version"; }));
  };
  check(Send("POST", "/v3/things", "", "application/json", "{}"), 401, "unauthenticated");
  check(Send("POST", "/v3/things", "nope", "application/json", "{}"), 401, "unauthenticated");
  check(Send("POST", "/v3/things", "bank-token", "application/json", "{}"), 403,
        "permission_denied");
  check(Send("POST", "/v3/things", "admin-token", "text/plain", "{}"), 415, "invalid_argument");
  EXPECT_EQ(writes_, 0);
  EXPECT_EQ(Send("POST", "/v3/things", "admin-token", "application/json", "{}").status, 201);
  // Routes without one keep problem+json.
  EXPECT_EQ(Send("POST", "/v1/things", "", "application/json", "{}").content_type,
            "application/problem+json");
}

}  // namespace
}  // namespace digitrade::http

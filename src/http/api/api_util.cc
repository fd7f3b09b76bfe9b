#include "http/api/api_util.h"

#include <charconv>

#include <fmt/format.h>

#include "common/json.h"

namespace digitrade::http::api {

Result<boost::json::object> JsonBody(const Request& req) {
  if (req.body.empty()) return InvalidArgument("the request body is empty; expected a JSON object");
  return json::ParseObject(req.body);
}

Result<PageParams> ParsePage(const Request& req, int default_limit, int max_limit) {
  PageParams p{.limit = default_limit};
  if (auto l = req.Query("limit")) {
    int v = 0;
    const auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (ec != std::errc() || ptr != l->data() + l->size() || v < 1 || v > max_limit) {
      return InvalidArgument(fmt::format("limit must be an integer from 1 to {}", max_limit));
    }
    p.limit = v;
  }
  if (auto a = req.Query("after")) p.after = std::string(*a);
  return p;
}

boost::json::object ListEnvelope(boost::json::array items, std::string_view next_cursor) {
  boost::json::object o;
  o["items"] = std::move(items);
  if (next_cursor.empty()) {
    o["next_cursor"] = nullptr;
  } else {
    o["next_cursor"] = next_cursor;
  }
  return o;
}

Response Created(const boost::json::value& body, std::string location) {
  Response r = Response::Json(201, body);
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

}  // namespace digitrade::http::api

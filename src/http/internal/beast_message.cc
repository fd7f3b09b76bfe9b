#include "http/internal/beast_message.h"

#include <cctype>

namespace digitrade::http::internal {

namespace bhttp = boost::beast::http;

Request FromBeast(const bhttp::request<bhttp::string_body>& in, std::string remote) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  r.remote = std::move(remote);
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = in.body();
  return r;
}

bhttp::response<bhttp::string_body> ToBeast(Response&& res, unsigned version, bool keep_alive,
                                            bool head) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
  out.set(bhttp::field::server, "digitrade");
  if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
  for (auto& [k, v] : res.headers) out.insert(k, v);
  out.keep_alive(keep_alive);
  out.body() = std::move(res.body);
  out.prepare_payload();
  if (head) out.body().clear();
  return out;
}

}  // namespace digitrade::http::internal

#include "http/router.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <utility>

#include <fmt/format.h>

namespace digitrade::http {

namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const auto j = path.find('/', i);
    const auto end = j == std::string_view::npos ? path.size() : j;
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

bool IsParam(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }
bool IsRest(std::string_view s) { return IsParam(s) && s.ends_with("...}"); }

// Returns a score (more literal segments = higher) or -1 when no match.
// `parts` is Split(path), done once per lookup rather than once per route.
// The segments are compared first and the parameters copied only for a
// route that matches (most routes do not).
int MatchSegments(const Route& route, std::string_view path,
                  const std::vector<std::string_view>& parts,
                  std::vector<std::pair<std::string, std::string>>* params) {
  const auto& segs = route.segments;
  int score = 0;
  bool rest = false;
  std::size_t i = 0;
  for (; i < segs.size(); ++i) {
    const std::string& s = segs[i];
    if (i >= parts.size()) return -1;
    if (IsRest(s)) {
      rest = true;
      break;
    }
    if (IsParam(s)) continue;
    if (s != parts[i]) return -1;
    ++score;
  }
  if (!rest) {
    if (i != parts.size()) return -1;
    // A trailing slash is a different resource ("/v1/x/" is not "/v1/x").
    if (path.size() > 1 && path.back() == '/') return -1;
  }
  for (std::size_t k = 0; k < segs.size(); ++k) {
    const std::string& s = segs[k];
    if (IsRest(s)) {
      const auto start = parts[k].data() - path.data();
      params->emplace_back(s.substr(1, s.size() - 5), std::string(path.substr(start)));
      break;
    }
    if (IsParam(s)) params->emplace_back(s.substr(1, s.size() - 2), std::string(parts[k]));
  }
  return score;
}

}  // namespace

struct Responder::State {
  std::mutex mu;
  Executor executor;  // both emptied by the answer, releasing what they hold
  Finish finish;

  State(Executor e, Finish f) : executor(std::move(e)), finish(std::move(f)) {}
  ~State() {
    if (finish) finish(Internal("the handler dropped the request without answering"));
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void Answer(Result<Response> response) {
    Finish f;
    Executor e;  // destroyed after the answer, outside the lock
    {
      std::lock_guard lock(mu);
      f = std::move(finish);
      finish = nullptr;
      e = std::move(executor);
      executor = nullptr;
    }
    if (f) f(std::move(response));
  }

  // Runs `task` through the executor unless the request is answered.
  static void Run(const std::shared_ptr<State>& state, std::function<void()> task) {
    Executor e;
    {
      std::lock_guard lock(state->mu);
      if (!state->finish) return;
      e = state->executor;
    }
    e([state, task = std::move(task)] {
      try {
        task();
      } catch (const std::exception& ex) {
        state->Answer(Internal(fmt::format("unhandled exception: {}", ex.what())));
      }
    });
  }
};

Responder::Responder(Executor executor, Finish finish)
    : state_(std::make_shared<State>(std::move(executor), std::move(finish))) {}

void Responder::operator()(Result<Response> response) const {
  state_->Answer(std::move(response));
}

void Responder::Post(std::function<Result<Response>()> task) const {
  State::Run(state_, [state = state_, task = std::move(task)] { state->Answer(task()); });
}

Executor Responder::executor() const {
  return [state = state_](std::function<void()> task) { State::Run(state, std::move(task)); };
}

Route& Router::Insert(RouteSpec spec) {
  auto r = std::make_unique<Route>();
  for (auto s : Split(spec.pattern)) r->segments.emplace_back(s);
  r->spec = std::move(spec);
  routes_.push_back(std::move(r));
  return *routes_.back();
}

void Router::Add(RouteSpec spec, Handler handler) {
  Insert(std::move(spec)).handler = std::move(handler);
}

void Router::AddAsync(RouteSpec spec, AsyncHandler handler) {
  Insert(std::move(spec)).async_handler = std::move(handler);
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match best;
  int best_score = -1;
  const auto parts = Split(path);
  for (const auto& r : routes_) {
    std::vector<std::pair<std::string, std::string>> params;
    const int score = MatchSegments(*r, path, parts, &params);
    if (score < 0) continue;
    if (r->spec.method != method) {
      if (std::find(best.allowed_methods.begin(), best.allowed_methods.end(), r->spec.method) ==
          best.allowed_methods.end()) {
        best.allowed_methods.push_back(r->spec.method);
      }
      continue;
    }
    if (score > best_score) {
      best_score = score;
      best.route = r.get();
      best.params = std::move(params);
    }
  }
  if (best.route != nullptr) best.allowed_methods.clear();
  return best;
}

}  // namespace digitrade::http

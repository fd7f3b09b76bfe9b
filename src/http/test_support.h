// Test helpers for http/: a fake Authenticator with fixed tokens, and the
// router-to-dispatcher stack most tests build on.
#pragma once

#include <map>
#include <string>

#include "common/log.h"
#include "http/dispatcher.h"
#include "identity/principal.h"

namespace digitrade::http::testing {

class FakeAuthenticator final : public identity::Authenticator {
 public:
  void Add(std::string token, identity::Principal p) { tokens_[std::move(token)] = std::move(p); }
  Result<identity::Principal> Authenticate(std::string_view token) override {
    auto it = tokens_.find(std::string(token));
    if (it == tokens_.end()) return Unauthenticated("unknown API token");
    return it->second;
  }

 private:
  std::map<std::string, identity::Principal> tokens_;
};

// A router, fake authenticator, metrics and a silent logger wired into a
// Dispatcher without static files. Routes are added to router_ by the test.
struct DispatchStack {
  Router router_;
  FakeAuthenticator auth_;
  Metrics metrics_;
  FakeClock clock_;
  Logger log_{clock_, nullptr};
  Dispatcher dispatcher_{router_, auth_, metrics_, log_, nullptr};
};

}  // namespace digitrade::http::testing

// Test fixture helpers for app/: a platform on a temporary SQLite file with
// the bootstrap admin, a router with every route and a dispatcher.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "app/platform.h"
#include "app/routes.h"
#include "common/log.h"
#include "http/dispatcher.h"

namespace digitrade::app::testing {

inline std::filesystem::path SourceDir() {
  const char* s = std::getenv("DIGITRADE_SOURCE_DIR");
  return s != nullptr ? std::filesystem::path(s) : std::filesystem::path(DIGITRADE_SOURCE_DIR_DEFAULT);
}

class PlatformEnv {
 public:
  PlatformEnv() {
    dir_ = std::filesystem::temp_directory_path() /
           ("digitrade_app_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    // A fixed PINT identity (RS256 signs deterministically: golden files).
    const std::string pint_key = (SourceDir() / "tests/api/pint-platform-key.pem").string();
    ::setenv("DIGITRADE_PINT_PLATFORM", "DGTR", 0);
    ::setenv("DIGITRADE_PINT_KEY", pint_key.c_str(), 0);
    ::setenv("DIGITRADE_PINT_ALG", "RS256", 0);
    auto p = OpenPlatform("sqlite:" + (dir_ / "test.db").string());
    EXPECT_TRUE(p) << p.error().ToString();
    platform_ = std::move(*p);
    const Status log = OpenEvidenceLog(
        *platform_, {.origin = "digitrade.test/log/evidence",
                     .key_file = (dir_ / "test.db.log-key").string(),
                     .instance_id = "test"});
    EXPECT_TRUE(log) << log.error().ToString();
    admin_token_ = platform_->directory->Bootstrap().value()->secret;
    info_ = {.version = kVersion, .database = "sqlite", .started_at = platform_->clock->Now(),
             .openapi_yaml = kOpenApiYaml};
    RegisterAllRoutes(router_, *platform_, info_, metrics_);
    dispatcher_ = std::make_unique<http::Dispatcher>(router_, *platform_->directory, metrics_, log_,
                                                     nullptr);
  }
  ~PlatformEnv() {
    dispatcher_.reset();
    platform_.reset();
    std::filesystem::remove_all(dir_);
  }

  Platform& platform() { return *platform_; }
  http::Router& router() { return router_; }
  http::Dispatcher& dispatcher() { return *dispatcher_; }
  const std::string& admin_token() const { return admin_token_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::unique_ptr<Platform> platform_;
  std::string admin_token_;
  http::api::SystemInfo info_;
  http::Router router_;
  http::Metrics metrics_;
  SystemClock clock_;
  Logger log_{clock_, nullptr};
  std::unique_ptr<http::Dispatcher> dispatcher_;
};


}  // namespace digitrade::app::testing

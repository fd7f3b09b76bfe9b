#include "app/serve.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <fmt/format.h>

#include "app/demo.h"
#include "app/files.h"
#include "app/exit_codes.h"
#include "app/platform.h"
#include "app/routes.h"
#include "common/log.h"
#include "http/dispatcher.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/static_files.h"

namespace digitrade::app {

namespace {

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return InvalidArgument("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    const int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    return std::pair<std::string, uint16_t>(host, static_cast<uint16_t>(port));
  } catch (const std::exception&) {
    return InvalidArgument(fmt::format("--listen: \"{}\" is not a port number", listen.substr(colon + 1)));
  }
}

// Blocks SIGINT/SIGTERM in every thread started after this, so the main
// thread can wait for them with sigwait.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int Serve(const ServeOptions& o) {
  const sigset_t signals = BlockShutdownSignals();
  SystemClock log_clock;
  Logger log(log_clock, stderr);
  auto listen = ParseListen(o.listen);
  if (!listen) return ReportError(listen.error());
  auto platform = OpenPlatform(o.db_url);
  if (!platform) return ReportError(platform.error());
  Platform& p = **platform;

  const EvidenceLogOptions log_options{
      .origin = o.log_origin,
      .key_file = o.log_key_file.empty() ? DefaultLogKeyFile(o.db_url) : o.log_key_file,
      .checkpoint_interval = std::chrono::milliseconds(o.checkpoint_interval_ms)};
  if (auto st = OpenEvidenceLog(p, log_options); !st) return ReportError(st.error());

  auto bootstrap = p.directory->Bootstrap();
  if (!bootstrap) return ReportError(bootstrap.error());
  DemoResult demo;
  if (o.demo) {
    auto loaded = LoadDemoData(p);
    if (!loaded) return ReportError(loaded.error().WithContext("loading demo data"));
    demo = std::move(*loaded);
    if (demo.organisations > 0) {
      log.Info("demo data loaded", {{"organisations", demo.organisations},
                                    {"users", static_cast<int>(demo.users.size())},
                                    {"records", demo.records}});
    }
    if (!demo.records_skipped.empty()) {
      log.Warn("demo records not loaded", {{"reason", demo.records_skipped}});
    }
  }

  http::Metrics metrics;
  http::api::SystemInfo info{.version = kVersion,
                             .database = p.database_kind,
                             .started_at = p.clock->Now(),
                             .openapi_yaml = kOpenApiYaml};
  http::Router router;
  RegisterAllRoutes(router, p, info, metrics);

  std::string web_root = o.web_root;
  if (web_root.empty() && std::filesystem::exists("web/dist/index.html")) web_root = "web/dist";
  std::optional<http::StaticFiles> files;
  if (!web_root.empty()) files.emplace(web_root);
  if (web_root.empty()) log.Warn("no portal: web/dist not found (run make web) and no --web-root");

  http::Dispatcher dispatcher(router, *p.directory, metrics, log, files ? &*files : nullptr);
  http::Server server(http::ServerOptions{.address = listen->first,
                                          .port = listen->second,
                                          .threads = o.threads,
                                          .tls_cert_file = o.tls_cert,
                                          .tls_key_file = o.tls_key},
                      dispatcher, log);
  if (auto st = server.Start(); !st) return ReportError(st.error());
  // DCSA issuance responses to carriers' callbacks: only a serving node sends them.
  if (p.pint != nullptr && p.pint->issuance() != nullptr) p.pint->issuance()->StartDelivery();

  const std::string url = fmt::format("{}://{}:{}/", server.tls() ? "https" : "http",
                                      listen->first, server.port());
  if (*bootstrap) {
    const auto& token = (*bootstrap)->secret;
    std::printf("\nFirst start: an admin API token was created. It is shown only this once:\n\n  %s\n\n",
                token.c_str());
    if (!o.admin_token_file.empty()) {
      if (auto st = WriteFileText(o.admin_token_file, token + "\n", true); !st) return ReportError(st.error());
    }
  }
  if (!demo.users.empty()) {
    std::printf("Demo users and their API tokens (shown only this once):\n\n");
    for (const auto& u : demo.users) {
      std::printf("  %-14s %-22s %s\n", u.name.c_str(), u.roles.c_str(), u.token.c_str());
    }
    std::printf("\n");
  }
  if (!o.port_file.empty()) {
    if (auto st = WriteFileText(o.port_file, std::to_string(server.port()) + "\n", true); !st) {
      return ReportError(st.error());
    }
  }
  std::printf("digitrade %s serving on %s (database: %s)\nPortal: %s\n", kVersion, url.c_str(),
              p.database_kind.c_str(), url.c_str());
  std::printf("Evidence log: %slog/evidence  verifier key: %s\n", url.c_str(),
              p.evidence_log->verifier().VerifierKey().c_str());
  std::fflush(stdout);
  log.Info("listening", {{"url", url}, {"database", p.database_kind}, {"version", kVersion}});

  int sig = 0;
  sigwait(&signals, &sig);
  log.Info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  server.Stop();
  log.Info("stopped");
  return kExitOk;
}

}  // namespace digitrade::app

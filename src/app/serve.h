// `digitrade serve`: runs the platform until SIGINT or SIGTERM.
#pragma once

#include <string>

#include "http/server.h"

namespace digitrade::app {

struct ServeOptions {
  std::string db_url = "sqlite:var/digitrade.db";
  std::string listen = "127.0.0.1:8080";
  std::string web_root;  // empty: web/dist when it exists
  std::string tls_cert;
  std::string tls_key;
  bool demo = false;
  std::string admin_token_file;  // write the first-start admin token here (0600)
  std::string port_file;         // write the bound port here once listening
  int threads = 0;
  std::string log_key_file;  // empty: DefaultLogKeyFile(db_url)
  std::string log_origin = "digitrade.local/log/evidence";
  int checkpoint_interval_ms = 1000;
};

// Returns the process exit code.
int Serve(const ServeOptions& options);

}  // namespace digitrade::app

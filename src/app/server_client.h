// Talking to a digitrade server from the CLI: the --server/--token/--cacert
// options, one authenticated call, and the server's problem+json answers
// turned back into the Error they came from (so ExitCodeFor gives the same
// exit code as the same failure run locally).
#pragma once

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "common/result.h"
#include "http/client.h"

namespace digitrade::app {

struct ServerOptions {
  std::string server;  // http[s]://host:port
  std::string token;   // API bearer token
  std::string cacert;  // PEM CAs for https; empty: the system's
};

// Adds --server (with `default_server`; from $DIGITRADE_SERVER when unset on
// the command line and `server_from_env`), --token ($DIGITRADE_TOKEN) and
// --cacert to `cmd`.
void AddServerOptions(CLI::App* cmd, ServerOptions& o, const std::string& default_server,
                      bool server_from_env = true);

// The Error a non-2xx answer stands for: the code named by a digitrade
// problem type (urn:digitrade:problem:<code>), else one derived from the
// status; the message is "HTTP <status>: <detail>".
Error ProblemError(const http::ClientResponse& res);

// One authenticated request. Errors: invalid_argument (no token, bad
// server URL), unavailable (network); the answer's status is not checked.
Result<http::ClientResponse> CallServer(const ServerOptions& o, http::ClientRequest request);

// A JSON request whose 2xx answer is a JSON object. Errors: those of
// CallServer, ProblemError(answer) for any other status, unavailable for an
// answer that is not a JSON object.
Result<boost::json::object> CallServerJson(const ServerOptions& o, std::string method,
                                           std::string path, const boost::json::object* body);

}  // namespace digitrade::app

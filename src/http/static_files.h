// Serves the built portal (web/dist) at "/". Only regular files inside the
// root are served: paths with "." or ".." segments, backslashes or NUL are
// refused, and symlinks leaving the root are not followed. index.html is
// served for "/" with Cache-Control: no-cache; Vite's hashed files under
// /assets/ are immutable. Thread-safe: read-only after construction.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "http/message.h"

namespace digitrade::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // The file for `path`, or nullopt when there is none (the caller answers
  // 404 with a problem).
  std::optional<Response> Serve(std::string_view path) const;

 private:
  std::filesystem::path root_;
};

}  // namespace digitrade::http

// ValidationService: the thread-safe entry point for callers that validate
// from many threads (the HTTP API, the CLI's parallel batch mode). It keeps
// a pool of Validators, each used by one thread at a time. By default a
// large document is validated on up to four threads (Parallelism).
//
// Thread-safety: all methods may be called concurrently. Ownership: owns its
// validators; returned reports are independent values.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "trade/einvoice/validator.h"

namespace digitrade::trade::einvoice {

class ValidationService {
 public:
  explicit ValidationService(ParseLimits limits = {},
                             Parallelism parallelism = DefaultParallelism())
      : limits_(limits), parallelism_(parallelism) {}
  // Parallelism{threads = the cores, at most 4}.
  static Parallelism DefaultParallelism();

  // As Validator::Validate. Errors: those of Validator::Validate, and
  // internal if a validator cannot be created.
  Result<Report> Validate(std::string_view xml, const std::vector<std::string>& rule_sets = {});

  const ParseLimits& limits() const { return limits_; }

 private:
  ParseLimits limits_;
  Parallelism parallelism_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Validator>> idle_;  // guarded by mu_
};

// "CEN-UBL-1.3.16,PEPPOL-UBL-3.0.19" -> {"CEN-UBL-1.3.16", "PEPPOL-UBL-3.0.19"}; empty
// items are dropped. Errors: invalid_argument naming an unknown rule set.
Result<std::vector<std::string>> ParseRuleSetList(std::string_view list);

}  // namespace digitrade::trade::einvoice

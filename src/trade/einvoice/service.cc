#include "trade/einvoice/service.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace digitrade::trade::einvoice {

Parallelism ValidationService::DefaultParallelism() {
  return Parallelism{.threads =
                         static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u))};
}

Result<Report> ValidationService::Validate(std::string_view xml,
                                           const std::vector<std::string>& rule_sets) {
  std::unique_ptr<Validator> v;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      v = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!v) {
    DT_ASSIGN_OR_RETURN(v, Validator::Create(parallelism_));
  }
  auto report = v->Validate(xml, rule_sets, limits_);
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(v));
  return report;
}

Result<std::vector<std::string>> ParseRuleSetList(std::string_view list) {
  const auto known = RuleSetNames();
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string item(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    if (std::find(known.begin(), known.end(), item) == known.end()) {
      return InvalidArgument(
          fmt::format("unknown rule set '{}' (known: {})", item, fmt::join(known, ", ")));
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace digitrade::trade::einvoice

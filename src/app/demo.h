// The demo data set loaded by `digitrade serve --demo` into an empty
// database: organisations of the Beijing-Tianjin-Hebei pilot zone and
// abroad, with real-format identifiers (valid USCC check characters, valid
// LEI check digits), users holding each role, an API token per demo user,
// and, when the evidence log and server-side signing are available,
// transferable records with their signed chains: a DCSA eBL issued by the
// carrier and transferred once, and a warehouse receipt pledged to a bank.
#pragma once

#include <string>
#include <vector>

#include "app/platform.h"
#include "common/result.h"

namespace digitrade::app {

struct DemoUser {
  std::string name;
  std::string roles;  // comma-separated
  std::string token;  // shown once, at first start
};

struct DemoResult {
  int organisations = 0;  // 0: the database was not empty, nothing loaded
  std::vector<DemoUser> users;
  int records = 0;
  std::string records_skipped;  // why no records were made, if none were
};

// Loads the demo set unless organisations already exist. Needs the
// directory; records also need p.etr (the evidence log open) and p.signing.
Result<DemoResult> LoadDemoData(Platform& p);

}  // namespace digitrade::app

// The demo data set loaded by `digitrade serve --demo` into an empty
// database: organisations of the Beijing-Tianjin-Hebei pilot zone and
// abroad, with real-format identifiers (valid USCC check characters, valid
// LEI check digits), and users holding each role.
#pragma once

#include "common/result.h"
#include "identity/directory.h"

namespace digitrade::app {

// Loads the demo set unless organisations already exist. Returns how many
// organisations were created (0 when the database was not empty).
Result<int> LoadDemoData(identity::Directory& directory);

}  // namespace digitrade::app

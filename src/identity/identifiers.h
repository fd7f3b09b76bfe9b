// Organisation identifiers, validated by their real check algorithms.
//
//  - USCC: China's Unified Social Credit Code (GB 32100-2015), 18 characters
//    from the 31-character set 0-9 A-H J-N P-R T U W-Y, the last a check
//    character: C18 = 31 - (sum(value(Ci) * Wi, i = 1..17) mod 31), 31 -> 0.
//  - LEI: Legal Entity Identifier (ISO 17442), 20 characters [0-9A-Z], the
//    last two check digits by ISO 7064 MOD 97-10 (whole code mod 97 == 1).
//
// Thread-safe free functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace digitrade::identity {

enum class IdentifierScheme { kUscc, kLei };

// "uscc" / "lei".
std::string_view SchemeName(IdentifierScheme s);
// Errors: invalid_argument for anything but "uscc" or "lei".
Result<IdentifierScheme> ParseScheme(std::string_view name);

// Errors: invalid_argument with what is wrong (length, character at a
// position, check character expected vs found). Input must already be upper
// case; NormalizeIdentifier upper-cases and trims.
Status ValidateUscc(std::string_view code);
Status ValidateLei(std::string_view code);
Status ValidateIdentifier(IdentifierScheme scheme, std::string_view code);

// Trims ASCII whitespace and upper-cases ASCII letters.
std::string NormalizeIdentifier(std::string_view code);

// The check character for the first 17 characters of a USCC (for issuing
// codes in demo data and tests). Precondition: `first17` is 17 valid chars.
char UsccCheckCharacter(std::string_view first17);

}  // namespace digitrade::identity

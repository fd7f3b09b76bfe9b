// The electronic warehouse receipt's data model, as a schema for the
// validator in dcsa_schema.h (the second record type of the engine; not a
// DCSA document). Quantities are positive numbers with a UN/ECE
// Recommendation 20 unit code; dates are RFC 3339 full-dates.
#pragma once

namespace digitrade::trade::etr::internal {

inline constexpr const char* kWarehouseReceiptSchemas = R"json({
  "WarehouseReceipt": {
    "type": "object", "additionalProperties": false,
    "required": ["receiptNumber", "warehouse", "goods", "quantity", "unit", "issueDate"],
    "properties": {
      "receiptNumber": {"type": "string", "minLength": 1, "maxLength": 35, "pattern": "^\\S(?:.*\\S)?$"},
      "warehouse": {"$ref": "#/Warehouse"},
      "goods": {"$ref": "#/Goods"},
      "quantity": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
      "unit": {"type": "string", "pattern": "^[A-Z0-9]{2,3}$"},
      "issueDate": {"type": "string", "format": "date"},
      "expiryDate": {"type": "string", "format": "date"},
      "storageTerms": {"type": "string", "maxLength": 5000},
      "insured": {"type": "boolean"}
    }
  },
  "Warehouse": {
    "type": "object", "additionalProperties": false, "required": ["name", "address"],
    "properties": {
      "name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^\\S(?:.*\\S)?$"},
      "address": {"type": "string", "minLength": 1, "maxLength": 250},
      "licence": {"type": "string", "maxLength": 50},
      "UNLocationCode": {"type": "string", "pattern": "^[A-Z]{2}[A-Z2-9]{3}$"}
    }
  },
  "Goods": {
    "type": "object", "additionalProperties": false, "required": ["description"],
    "properties": {
      "description": {"type": "string", "minLength": 1, "maxLength": 500},
      "HSCode": {"type": "string", "pattern": "^\\d{6,10}$"},
      "grade": {"type": "string", "maxLength": 100},
      "lotNumbers": {"type": "array", "maxItems": 1000, "items": {"type": "string", "maxLength": 50}}
    }
  }
})json";

}  // namespace digitrade::trade::etr::internal

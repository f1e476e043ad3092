// The bundled price table (genai-prices.json, beside this file, written by scripts/update-prices),
// compiled into the binary as bytes: `#embed` reads the file at build time, in a second, where a Swift
// array literal of 400 KB took minutes to type-check.
#include "execlog_prices.h"

#pragma clang diagnostic ignored "-Wc23-extensions"
static const unsigned char json[] = {
#embed "genai-prices.json"
};

const unsigned char *execlog_genai_prices_json(void) { return json; }
unsigned long execlog_genai_prices_json_size(void) { return sizeof(json); }

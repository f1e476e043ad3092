#ifndef EXECLOG_PRICES_H
#define EXECLOG_PRICES_H
/// genai-prices.json's bytes (not NUL-terminated) and their count.
const unsigned char *execlog_genai_prices_json(void);
unsigned long execlog_genai_prices_json_size(void);
#endif

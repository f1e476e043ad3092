// The page's state and the REST API of `execlog serve`.

export const API = '/api/v1/ai-executions';
export const COLORS = ['#4f46e5', '#0891b2', '#d97706', '#16a34a', '#db2777', '#7c3aed', '#64748b', '#ea580c'];

// Every filter: its name in the page's state, and in the API's query and the page's address (#usage_type=…&q=…).
// `range` (last 15 min … 30 days) is the page's own: it becomes a start_date at each load.
export const FILTERS = [
  ['usageType', 'usage_type'], ['provider', 'provider'], ['modelName', 'model_name'], ['hasError', 'has_error'],
  ['range', 'range'], ['startDate', 'start_date'], ['endDate', 'end_date'], ['traceId', 'trace_id'],
  ['sessionId', 'session_id'], ['userId', 'user_id'], ['tag', 'tag'], ['q', 'q'],
];
export const RANGES = { '15m': 15 * 60000, '1h': 3600000, '24h': 86400000, '7d': 7 * 86400000, '30d': 30 * 86400000 };
export const SORTS = ['created_at', 'total_tokens', 'execution_time_ms', 'cost_nano_usd'];

export function emptyFilters() {
  return Object.fromEntries(FILTERS.map(([key]) => [key, '']));
}

export const state = {
  filters: emptyFilters(),
  sort: 'created_at',
  order: 'desc',
  limit: 50,
  cursors: [null], // cursors[n] opens page n (keyset paging: page 500 costs what page 1 costs), by time only
  page: 0,
  nextCursor: null,
  hasMore: false,
  total: null,
  providers: [],
  generation: 0, // a newer load makes the answers of older ones stale
  pageGeneration: 0,
  stats: null,
  series: null,
  costView: 'provider', // the cost chart's split: 'provider' or 'model'
  view: null, // the open timeline, { kind: 'trace' | 'session', id }, kept in the address too
  statsKey: null, // the filters the cards and bars show (filterKey()), null when they show nothing
  seriesKey: null, // the filters the charts over time show
  failure: null, // why the last load failed ({ message, unreachable }), null when it did not
  updatedAt: null, // when the shown data was loaded
  rowsOnPage: 0,
  detailOpener: null, // what had the focus before the drawer opened, to give it back
  timelineOpener: null,
  searchTimer: null,
};

// The time span the filters ask for, as instants (ms) or null: for the charts' buckets.
export function filterSpan(now = Date.now()) {
  const f = state.filters;
  if (f.range && RANGES[f.range]) return { from: now - RANGES[f.range], to: now };
  const parse = (text, end) => {
    if (!text) return null;
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00Z`) + (end ? 86400000 : 0);
    const time = Date.parse(text);
    return Number.isNaN(time) ? null : time;
  };
  return { from: parse(f.startDate, false), to: parse(f.endDate, true) };
}

// The one place that turns the filters into the API's parameters, for the list, the stats and the time series.
export function filterParams(now = Date.now()) {
  const params = {};
  for (const [key, name] of FILTERS) if (key !== 'range') params[name] = state.filters[key];
  if (state.filters.range && RANGES[state.filters.range]) {
    params.start_date = new Date(now - RANGES[state.filters.range]).toISOString().replace(/\.\d{3}Z$/, 'Z');
    params.end_date = '';
  }
  return params;
}

// The filters as the data they select: what the shown numbers belong to.
export const filterKey = () => JSON.stringify(state.filters);

export async function getJSON(path, params = {}) {
  const url = new URL(path, window.location.origin);
  // The browser's form encoding (a space as +): the server decodes it so.
  url.search = new URLSearchParams(Object.entries(params)
    .filter(([, value]) => value !== '' && value !== null && value !== undefined)).toString();
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch (error) {
    const failure = new Error('The server cannot be reached. Is execlog serve still running?');
    failure.unreachable = true;
    throw failure;
  }
  let body = null;
  try { body = await response.json(); } catch (error) { body = null; }
  if (!response.ok) {
    const failure = new Error(body && body.error ? body.error : `${response.status} ${response.statusText}`);
    failure.status = response.status;
    failure.parameter = body && body.parameter ? body.parameter : null;
    throw failure;
  }
  return body;
}

// A search the server refused (400 bad syntax, 409 no index): said beside the search box, not as a broken page.
export const isSearchError = (error) => Boolean(error && error.parameter === 'q');

export function providerColor(name) {
  let index = state.providers.indexOf(name);
  if (index < 0) {
    index = 0;
    for (const character of name) index = (index * 31 + character.charCodeAt(0)) >>> 0;
  }
  return COLORS[index % COLORS.length];
}

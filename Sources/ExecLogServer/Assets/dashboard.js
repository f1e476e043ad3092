// execlog dashboard: reads the REST API of `execlog serve` and draws the page. No framework, no build.
// Everything the server sends is inserted as text (textContent, SVG attributes), never as HTML.
'use strict';

(() => {
  const API = '/api/v1/ai-executions';
  const COLORS = ['#4f46e5', '#0891b2', '#d97706', '#16a34a', '#db2777', '#7c3aed', '#64748b', '#ea580c'];
  const INPUT_COLOR = '#7c3aed';
  const OUTPUT_COLOR = '#0891b2';
  const ERROR_COLOR = '#dc2626';
  const COST_COLOR = '#16a34a';
  const OTHER_COLOR = '#94a3b8';
  const COST_MODELS_SHOWN = 7; // the cost chart by model stacks the costliest models and one "Other"
  const SVG_NS = 'http://www.w3.org/2000/svg';

  // Every filter: its name in the page's state, and in the API's query and the page's address (#usage_type=…&q=…).
  // The selects, the dates and the search box set some; the chips show the rest (and the search).
  const FILTERS = [
    ['usageType', 'usage_type'], ['provider', 'provider'], ['hasError', 'has_error'], ['startDate', 'start_date'],
    ['endDate', 'end_date'], ['traceId', 'trace_id'], ['sessionId', 'session_id'], ['userId', 'user_id'], ['tag', 'tag'], ['q', 'q'],
  ];
  const CHIPS = [['traceId', 'trace'], ['sessionId', 'session'], ['userId', 'user'], ['tag', 'tag'], ['q', 'search']];
  const SEARCH_DELAY_MS = 350;

  function emptyFilters() {
    return Object.fromEntries(FILTERS.map(([key]) => [key, '']));
  }

  const state = {
    filters: emptyFilters(),
    limit: 50,
    cursors: [null], // cursors[n] opens page n (keyset paging: page 500 costs what page 1 costs)
    page: 0,
    nextCursor: null,
    total: null,
    providers: [],
    generation: 0, // a newer load makes the answers of older ones stale
    pageGeneration: 0,
    stats: null,
    series: null,
    costView: 'provider', // the cost chart's split: 'provider' or 'model'
    view: null, // the open timeline, { kind: 'trace' | 'session', id }, kept in the address too
  };

  const $ = (id) => document.getElementById(id);

  // ---- Formatting for people ----

  const integerFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
  const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 });

  const count = (n) => (n === null || n === undefined ? '—' : integerFormat.format(n));
  const compact = (n) => (n === null || n === undefined ? '—' : compactFormat.format(n));

  function duration(ms) {
    if (ms === null || ms === undefined) return '—';
    if (ms < 1000) return `${integerFormat.format(Math.round(ms))} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
    const minutes = Math.floor(ms / 60000);
    return `${minutes} min ${Math.round((ms % 60000) / 1000)} s`;
  }

  // ---- Money ----
  // Amounts arrive as integer nanodollars (10⁻⁹ USD). The text is built from the integer's digits
  // (BigInt), never from a float, so that what is shown is the stored amount rounded, without drift.

  const decimalSeparator = (new Intl.NumberFormat(undefined, { minimumFractionDigits: 1 }).formatToParts(1.5)
    .find((part) => part.type === 'decimal') || { value: '.' }).value;
  const compactMoneyFormat = new Intl.NumberFormat(undefined, {
    style: 'currency', currency: 'USD', notation: 'compact', maximumSignificantDigits: 3,
  });

  // `nano` rounded half up to `decimals` places of a dollar: "$1,234.56", "$0.004110".
  function usdFixed(nano, decimals) {
    let amount = BigInt(nano);
    const sign = amount < 0n ? '-' : '';
    if (amount < 0n) amount = -amount;
    const step = 10n ** BigInt(9 - decimals);
    const units = (amount + step / 2n) / step;
    const scale = 10n ** BigInt(decimals);
    const fraction = decimals ? decimalSeparator + (units % scale).toString().padStart(decimals, '0') : '';
    return `${sign}$${integerFormat.format(units / scale)}${fraction}`;
  }

  // Where a smaller amount would round to zero, more digits: a cost that is not zero never reads $0.
  function finer(nano, decimals) {
    const magnitude = Math.abs(nano);
    if (magnitude >= 0.5 * 10 ** (9 - decimals)) return usdFixed(nano, decimals);
    return magnitude >= 500 ? usdFixed(nano, 6) : usdFixed(nano, 9);
  }

  // A sum (cards, charts): to the cent.
  const money = (nano) => (nano === null || nano === undefined ? '—' : nano === 0 ? usdFixed(0, 2) : finer(nano, 2));
  // One call (table, drawer): to the millionth of a dollar below $1, to the cent from $1.
  const callMoney = (nano) => (nano === null || nano === undefined ? '–'
    : nano === 0 ? usdFixed(0, 2) : Math.abs(nano) >= 1e9 ? usdFixed(nano, 2) : finer(nano, 6));
  const smallMoneyFormat = new Intl.NumberFormat(undefined, {
    style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6,
  });
  // Axis ticks: round numbers, where a float is harmless. An axis below $10 is in cents ("$0.50", "$1.50"),
  // a higher one compact ("$40", "$1.2K").
  const moneyAxis = (maximum) => (nano) => (maximum <= 1e10 ? smallMoneyFormat : compactMoneyFormat).format(nano / 1e9);
  const nanoTitle = (nano) => `${count(nano)} nanodollars (10⁻⁹ USD)`;

  const shortTime = new Intl.DateTimeFormat(undefined, {
    month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const longTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const hourLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  const dayHourLabel = new Intl.DateTimeFormat(undefined, {
    month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC',
  });

  // ---- DOM helpers ----

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function svgEl(tag, attributes = {}, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- API ----

  async function getJSON(path, params = {}) {
    const url = new URL(path, window.location.origin);
    // Spaces as %20, not as the + of URLSearchParams: the server reads a + as a plus (a search query has them).
    url.search = Object.entries(params).filter(([, value]) => value !== '' && value !== null && value !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
    let response;
    try {
      response = await fetch(url, { headers: { Accept: 'application/json' } });
    } catch (error) {
      throw new Error('The server cannot be reached. Is execlog serve still running?');
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

  // The one place that turns the filters into the API's parameters, for the list, the stats and the time series.
  function filterParams() {
    return Object.fromEntries(FILTERS.map(([key, name]) => [name, state.filters[key]]));
  }

  // A search the server refused (400 bad syntax, 409 no index): said beside the search box, not as a broken page.
  const isSearchError = (error) => Boolean(error && error.parameter === 'q');

  function providerColor(name) {
    let index = state.providers.indexOf(name);
    if (index < 0) {
      index = 0;
      for (const character of name) index = (index * 31 + character.charCodeAt(0)) >>> 0;
    }
    return COLORS[index % COLORS.length];
  }

  // ---- Loading ----

  function showError(message) {
    const banner = $('error-banner');
    banner.textContent = message;
    banner.hidden = !message;
  }

  async function loadAll() {
    const generation = ++state.generation;
    document.body.dataset.state = 'loading';
    $('refresh').classList.add('loading');
    $('refresh').disabled = true;
    document.querySelector('.cards').classList.add('loading');
    showError('');
    const results = await Promise.allSettled([loadFacets(), loadStats(generation), loadCharts(generation), loadPage()]);
    if (generation !== state.generation) return;
    const failures = results.filter((result) => result.status === 'rejected').map((result) => result.reason);
    const searchFailure = failures.find(isSearchError);
    const failure = failures.find((error) => !isSearchError(error));
    showSearchError(searchFailure ? searchFailure.message : '');
    showError(failure ? failure.message : '');
    // Totals and charts of the last good query would not be this query's: dimmed until it is fixed.
    for (const selector of ['.cards', '.charts']) document.querySelector(selector).classList.toggle('stale', Boolean(searchFailure));
    $('refresh').classList.remove('loading');
    $('refresh').disabled = false;
    document.querySelector('.cards').classList.remove('loading');
    $('updated-at').textContent = `Updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.state = failure || searchFailure ? 'error' : 'ready';
    if (window.execlogFirstLoadMs === undefined) window.execlogFirstLoadMs = performance.now();
  }

  async function loadFacets() {
    const facets = await getJSON(`${API}/facets`);
    state.providers = facets.providers;
    fillSelect($('filter-usage-type'), facets.usage_types, 'All usage types', state.filters.usageType);
    fillSelect($('filter-provider'), facets.providers, 'All providers', state.filters.provider);
  }

  function fillSelect(select, values, allLabel, selected) {
    const options = [el('option', { value: '', text: allLabel })];
    const names = values.includes(selected) || !selected ? values : [...values, selected];
    for (const value of names) options.push(el('option', { value, text: value }));
    select.replaceChildren(...options);
    select.value = selected;
  }

  async function loadStats(generation) {
    const stats = await getJSON(`${API}/stats`, filterParams());
    if (generation !== state.generation) return;
    state.stats = stats;
    state.total = stats.total_executions;
    renderCards(stats);
    renderProviders(stats);
    renderCostModels(stats);
    renderTableSummary();
  }

  async function loadCharts(generation) {
    const f = state.filters;
    let bucket = 'day';
    if (f.startDate && f.endDate && (Date.parse(f.endDate) - Date.parse(f.startDate)) / 86400000 <= 2) bucket = 'hour';
    let series = await getJSON(`${API}/timeseries`, { ...filterParams(), bucket });
    // A store that spans a day or two reads better by the hour.
    if (bucket === 'day' && series.points.length > 0 && series.points.length <= 2) {
      series = await getJSON(`${API}/timeseries`, { ...filterParams(), bucket: 'hour' });
    }
    if (generation !== state.generation) return;
    state.series = withGapsFilled(series);
    renderTimeCharts();
  }

  async function loadPage() {
    const generation = ++state.pageGeneration;
    const table = $('executions-table');
    table.classList.add('loading-rows');
    setTableState(table.tBodies[0].rows.length ? '' : 'Loading executions…');
    $('page-prev').disabled = true;
    $('page-next').disabled = true;
    try {
      const page = await getJSON(`${API}/`, { ...filterParams(), limit: state.limit, cursor: state.cursors[state.page] });
      if (generation !== state.pageGeneration) return;
      state.nextCursor = page.next_cursor;
      renderRows(page.items);
      setTableState(page.items.length ? '' : 'No executions match these filters.');
    } catch (error) {
      if (generation !== state.pageGeneration) return;
      renderRows([]);
      if (isSearchError(error)) setTableState('No executions: the search above cannot be run as it is written.');
      else setTableState(`Could not load executions: ${error.message}`, true);
      throw error;
    } finally {
      if (generation === state.pageGeneration) {
        table.classList.remove('loading-rows');
        $('page-prev').disabled = state.page === 0;
        $('page-next').disabled = !state.nextCursor;
        renderTableSummary();
      }
    }
  }

  function setTableState(message, isError = false) {
    const node = $('table-state');
    node.textContent = message;
    node.hidden = !message;
    node.classList.toggle('error', isError);
  }

  // ---- Cards ----

  function setCard(id, value, text) {
    const node = $(id).querySelector('.value');
    node.dataset.value = value === null || value === undefined ? '' : String(value);
    node.textContent = text;
  }

  function renderCards(stats) {
    setCard('card-total-executions', stats.total_executions, count(stats.total_executions));
    setCard('card-total-tokens', stats.total_tokens, count(stats.total_tokens));
    setCard('card-input-tokens', stats.total_input_tokens, count(stats.total_input_tokens));
    setCard('card-avg-time', stats.avg_execution_time_ms, duration(stats.avg_execution_time_ms));

    const errors = $('card-errors');
    errors.replaceChildren();
    if (stats.total_executions > 0) {
      errors.append(
        el('span', { className: stats.error_count > 0 ? 'bad' : '', text: `${count(stats.error_count)} errors` }),
        ` · ${percentFormat.format(stats.error_rate)} error rate`);
    }
    renderCostCard(stats);
    $('card-output-tokens').textContent = `${count(stats.total_output_tokens)} output tokens`;
    $('card-input-share').textContent = stats.total_tokens > 0
      ? `${percentFormat.format(stats.total_input_tokens / stats.total_tokens)} of all tokens` : '';
    $('card-percentiles').textContent = stats.p50_execution_time_ms === null ? ''
      : `p50 ${duration(stats.p50_execution_time_ms)} · p95 ${duration(stats.p95_execution_time_ms)} · p99 ${duration(stats.p99_execution_time_ms)}`;
  }

  // The known costs' sum; executions without an amount are counted beside it, never as $0.
  function renderCostCard(stats) {
    const unpriced = stats.unpriced_executions || 0;
    const priced = stats.total_executions - unpriced;
    setCard('card-total-cost', stats.total_cost_nano_usd,
      stats.total_executions > 0 && priced === 0 ? 'Unknown' : money(stats.total_cost_nano_usd));
    const value = $('card-total-cost').querySelector('.value');
    value.title = nanoTitle(stats.total_cost_nano_usd);
    const detail = $('card-cost-detail');
    detail.replaceChildren();
    if (stats.total_executions === 0) return;
    if (priced > 0) detail.append(`${money(stats.error_cost_nano_usd)} on failed calls`);
    if (unpriced > 0) {
      const models = Object.entries(stats.unpriced_executions_by_model || {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const listed = models.slice(0, 6).map(([model, n]) => `${model}: ${count(n)}`);
      if (models.length > 6) listed.push(`and ${count(models.length - 6)} more models`);
      if (priced > 0) detail.append(' ');
      detail.append(el('span', {
        className: 'unpriced-marker', id: 'card-unpriced', 'data-value': String(unpriced), text: `${count(unpriced)} unpriced`,
        title: `${count(unpriced)} executions have no known cost (no price for the model, no usage reported, or stored `
          + `before costs) and are not in the total.\n${listed.join('\n')}`,
      }));
    }
  }

  // ---- Table ----

  function costCell(item) {
    const cell = el('td', { className: 'number cost', 'data-source': item.cost_source ?? '' });
    const known = item.cost_nano_usd !== null && item.cost_nano_usd !== undefined;
    if (known) {
      cell.dataset.nano = String(item.cost_nano_usd);
      cell.textContent = callMoney(item.cost_nano_usd);
      cell.title = item.cost_source === 'caller' ? `Given by the caller: ${nanoTitle(item.cost_nano_usd)}` : nanoTitle(item.cost_nano_usd);
      if (item.cost_source === 'caller') cell.classList.add('caller');
    } else if (item.cost_source === 'unpriced') {
      cell.append(el('span', {
        className: 'cost-flag unpriced', text: 'unpriced', title: `No price known for ${item.provider} / ${item.model_name}: not in the totals`,
      }));
    } else if (item.cost_source === 'no_usage') {
      cell.append(el('span', { className: 'cost-flag', text: 'no usage', title: 'The call reported no token counts: its cost is unknown' }));
    } else {
      cell.textContent = '–';
      cell.title = 'Not priced yet: stored before execlog had costs (execlog reprice prices it)';
    }
    return cell;
  }

  // A search hit's excerpt: the matched terms in <mark>, the rest as text. The API sends { segments: [...] }
  // (a bare array is read too).
  function snippetNode(snippet) {
    const segments = Array.isArray(snippet) ? snippet : (snippet && snippet.segments) || [];
    const node = el('p', { className: 'snippet' });
    for (const segment of segments) {
      node.append(segment.match ? el('mark', { text: segment.text }) : document.createTextNode(segment.text));
    }
    if (!segments.length) node.append(el('span', { className: 'muted', text: 'Matched outside the excerpted text.' }));
    return node;
  }

  // The second line of a search hit in the table, under its row.
  function snippetRow(item, columns) {
    const row = el('tr', { className: 'snippet-row', 'data-for': item.id },
      el('td', { colspan: String(columns) }, snippetNode(item.snippet)));
    row.addEventListener('click', () => openDetail(item.id));
    return row;
  }

  // Long ids (a trace's 32 hex digits) by their start; the whole id is in the title.
  const shortId = (id) => (id.length > 20 ? `${id.slice(0, 8)}…` : id);

  // An id that leads somewhere (a trace's or a session's timeline, a user's executions): a button that reads as
  // a link, inside rows that open the detail themselves.
  function idLink(kind, id, { short = false } = {}) {
    const actions = {
      trace: ['Open the timeline of trace', () => openTimeline('trace', id)],
      session: ['Open the timeline of session', () => openTimeline('session', id)],
      user: ['Show only the executions of user', () => addFilter('userId', id)],
      tag: ['Show only the executions tagged', () => addFilter('tag', id)],
    };
    const [title, action] = actions[kind];
    const button = el('button', {
      type: 'button', className: `id-link ${kind}`, 'data-kind': kind, 'data-value': id, title: `${title} ${id}`,
      text: short ? shortId(id) : id,
    });
    button.addEventListener('click', (event) => { event.stopPropagation(); action(); });
    // Enter on the link is the link's, not the row's (Escape still closes the drawer).
    button.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') event.stopPropagation(); });
    return button;
  }

  function renderRows(items) {
    const columns = $('executions-table').tHead.rows[0].cells.length;
    const rows = items.flatMap((item) => {
      const isError = item.error_message !== null;
      const row = el('tr', { tabindex: '0', 'data-id': item.id },
        el('td', { title: item.created_at, text: shortTime.format(new Date(item.created_at)) }),
        el('td', {}, el('span', { className: 'chip', text: item.usage_type })),
        el('td', { text: item.provider }),
        el('td', { className: 'model', text: item.model_name }),
        el('td', { className: 'number tokens' },
          count(item.total_tokens ?? ((item.input_tokens ?? 0) + (item.output_tokens ?? 0))),
          el('small', { text: `${count(item.input_tokens)} / ${count(item.output_tokens)}` })),
        costCell(item),
        el('td', { className: 'number duration', text: duration(item.execution_time_ms) }),
        el('td', { className: 'status' }, el('span', {
          className: `badge ${isError ? 'error' : 'ok'}`, text: isError ? 'Error' : 'Success', title: item.error_message ?? '',
        })),
        el('td', { className: 'trace' }, item.trace_id ? idLink('trace', item.trace_id, { short: true }) : el('span', { className: 'muted', text: '–' })));
      row.addEventListener('click', () => openDetail(item.id));
      row.addEventListener('keydown', (event) => { if (event.key === 'Enter') openDetail(item.id); });
      if (item.snippet === undefined || item.snippet === null) return [row];
      row.classList.add('has-snippet');
      return [row, snippetRow(item, columns)];
    });
    $('executions-table').tBodies[0].replaceChildren(...rows);
    state.rowsOnPage = items.length;
  }

  function renderTableSummary() {
    const first = state.page * state.limit + 1;
    const shown = state.rowsOnPage || 0;
    const of = state.total === null ? '' : ` of ${count(state.total)}`;
    $('table-summary').textContent = shown ? `Showing ${count(first)}–${count(first + shown - 1)}${of}, newest first` : '';
    $('page-label').textContent = `Page ${count(state.page + 1)}`;
  }

  // ---- Detail ----

  async function openDetail(id) {
    const overlay = $('detail');
    overlay.hidden = false;
    overlay.dataset.state = 'loading';
    $('detail-id').textContent = id;
    $('detail-title').textContent = 'Execution';
    $('detail-body').replaceChildren(el('div', { className: 'detail-state', text: 'Loading execution…' }));
    $('detail-close').focus();
    try {
      const execution = await getJSON(`${API}/${encodeURIComponent(id)}`);
      if ($('detail-id').textContent !== id) return;
      renderDetail(execution);
      overlay.dataset.state = 'ready';
    } catch (error) {
      $('detail-body').replaceChildren(el('div', { className: 'detail-state error', text: `Could not load the execution: ${error.message}` }));
      overlay.dataset.state = 'error';
    }
  }

  function closeDetail() {
    $('detail').hidden = true;
    $('detail-id').textContent = '';
  }

  // ---- Timelines: the executions of one trace or session on a common time line ----

  const sameView = (kind, id) => Boolean(state.view && state.view.kind === kind && state.view.id === id);

  async function openTimeline(kind, id) {
    closeDetail();
    state.view = { kind, id };
    writeAddress();
    const overlay = $('timeline');
    overlay.hidden = false;
    overlay.dataset.state = 'loading';
    overlay.dataset.kind = kind;
    $('timeline-title').textContent = kind === 'trace' ? 'Trace' : 'Session';
    $('timeline-id').textContent = id;
    $('timeline-body').replaceChildren(el('div', { className: 'detail-state', text: `Loading the ${kind}…` }));
    $('timeline-close').focus();
    try {
      const timeline = await getJSON(`/api/v1/${kind === 'trace' ? 'traces' : 'sessions'}/${encodeURIComponent(id)}`);
      if (!sameView(kind, id)) return;
      renderTimeline(timeline);
      overlay.dataset.state = 'ready';
    } catch (error) {
      if (!sameView(kind, id)) return;
      $('timeline-body').replaceChildren(el('div', { className: 'detail-state error', text: `Could not load the ${kind}: ${error.message}` }));
      overlay.dataset.state = 'error';
    }
  }

  function closeTimeline() {
    $('timeline').hidden = true;
    state.view = null;
    writeAddress();
  }

  function renderTimeline(t) {
    const totals = t.totals;
    const tile = (label, value, text, id, note) => el('div', { className: 'token-card', id, 'data-value': String(value) },
      el('span', { text: label }), el('strong', { text }), note ? el('small', { className: 'unpriced-note', text: note }) : null);
    const priced = totals.executions - totals.unpriced_executions;
    const filterKey = t.kind === 'trace' ? 'traceId' : 'sessionId';
    const filter = el('button', { type: 'button', className: 'button', id: 'timeline-filter', text: `Filter the list by this ${t.kind}` });
    filter.addEventListener('click', () => addFilter(filterKey, t.id));
    const started = t.start ? `Started ${longTime.format(new Date(t.start))} · ${duration(totals.execution_time_ms)} of calls` : '';
    const parts = [
      el('div', { className: 'timeline-actions' }, filter, el('span', { className: 'muted', text: started }), ...sharedLinks(t)),
      el('div', { className: 'token-cards timeline-totals' },
        tile('Calls', totals.executions, count(totals.executions), 'timeline-calls'),
        tile('Tokens', totals.total_tokens, count(totals.total_tokens), 'timeline-tokens'),
        tile('Span', t.span_ms, duration(t.span_ms), 'timeline-span'),
        tile('Errors', totals.errors, count(totals.errors), 'timeline-errors'),
        tile('Cost', totals.cost_nano_usd, priced > 0 ? money(totals.cost_nano_usd) : 'Unknown', 'timeline-cost',
          totals.unpriced_executions ? `${count(totals.unpriced_executions)} unpriced` : '')),
    ];
    if (t.truncated) {
      parts.push(el('p', { className: 'cost-message not-priced', text: `Only the first ${count(t.executions.length)} executions of this ${t.kind} are shown.` }));
    }
    const span = Math.max(1, t.span_ms);
    if (t.kind === 'session') {
      // A session's calls, grouped by their trace (in the order the traces began), on the session's time line.
      const groups = new Map();
      for (const x of t.executions) {
        const key = x.trace_id ?? '';
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(x);
      }
      for (const [traceId, executions] of groups) {
        parts.push(el('section', { className: 'section timeline-group', 'data-trace': traceId },
          el('h3', {}, traceId ? 'Trace ' : 'No trace', traceId ? idLink('trace', traceId, { short: true }) : null,
            ` · ${count(executions.length)} ${executions.length === 1 ? 'call' : 'calls'}`),
          timelineList(executions, span)));
      }
    } else {
      parts.push(el('section', { className: 'section' }, el('h3', { text: 'Calls' }), timelineList(t.executions, span)));
    }
    $('timeline-body').replaceChildren(...parts);
  }

  // The session and user the whole timeline shares, as links (a trace is usually one session's, one user's).
  function sharedLinks(t) {
    const links = [];
    for (const [kind, key] of [['session', 'session_id'], ['user', 'user_id']]) {
      if (kind === t.kind) continue;
      const values = [...new Set(t.executions.map((x) => x[key]))];
      if (values.length === 1 && values[0]) links.push(el('span', { className: 'muted' }, `${kind}: `, idLink(kind, values[0], { short: true })));
    }
    return links;
  }

  function timelineList(executions, span) {
    return el('ol', { className: 'timeline' }, ...executions.map((x) => timelineRow(x, span)));
  }

  // One call: when it started (after the first), a bar for how long it took on the common scale, what it was.
  function timelineRow(x, span) {
    const isError = x.error_message !== null;
    const bar = el('span', { className: `timeline-bar${isError ? ' error' : ''}` });
    bar.style.left = `${Math.min(100, (x.start_offset_ms / span) * 100)}%`;
    bar.style.width = `${Math.min(100, ((x.execution_time_ms ?? 0) / span) * 100)}%`;
    const tokens = x.total_tokens ?? (x.input_tokens === null && x.output_tokens === null ? null
      : (x.input_tokens ?? 0) + (x.output_tokens ?? 0));
    const button = el('button', {
      type: 'button', className: 'timeline-row', 'data-id': x.id, 'data-offset': String(x.start_offset_ms),
      title: `${x.usage_type} · ${x.provider} / ${x.model_name}\n${x.created_at}, took ${duration(x.execution_time_ms)}`
        + `${isError ? `\n${x.error_message}` : ''}`,
    },
    el('span', { className: 'timeline-offset', text: `+${duration(x.start_offset_ms)}` }),
    el('span', { className: 'timeline-track', 'aria-hidden': 'true' }, bar),
    el('span', { className: 'timeline-model', text: x.model_name }),
    el('span', { className: 'timeline-tokens', text: tokens === null ? 'no usage' : `${count(tokens)} tok` }),
    el('span', { className: `timeline-status badge ${isError ? 'error' : 'ok'}`, text: isError ? 'Error' : 'OK' }));
    button.addEventListener('click', () => openDetail(x.id));
    return el('li', {}, button);
  }

  function section(title, ...children) {
    return el('section', { className: 'section' }, el('h3', { text: title }), ...children);
  }

  function infoGrid(pairs) {
    const grid = el('dl', { className: 'info-grid' });
    for (const [label, value] of pairs) {
      if (value === null || value === undefined || value === '') continue;
      grid.append(el('dt', { text: label }), el('dd', {}, value));
    }
    return grid;
  }

  function renderDetail(x) {
    const isError = x.error_message !== null;
    $('detail-title').textContent = `${x.usage_type} · ${x.model_name}`;
    const status = el('span', { className: `badge ${isError ? 'error' : 'ok'}`, text: isError ? 'Error' : 'Success' });
    const parts = [];
    if (isError) {
      parts.push(el('section', { className: 'section error-section', id: 'detail-error' },
        el('h3', { text: 'Error' }), el('pre', { text: x.error_message || '(empty error message)' })));
    }
    parts.push(section('Basic information', infoGrid([
      ['Status', status],
      ['Time', `${longTime.format(new Date(x.created_at))} (${x.created_at})`],
      ['Usage type', x.usage_type],
      ['Provider', x.provider],
      ['Model', x.model_name],
      ['Duration', duration(x.execution_time_ms)],
      ['First token after', x.time_to_first_token_ms === null ? null : duration(x.time_to_first_token_ms)],
      ['Finish reason', x.finish_reason],
      ['Trace', x.trace_id ? idLink('trace', x.trace_id) : null],
      ['Session', x.session_id ? idLink('session', x.session_id) : null],
      ['User', x.user_id ? idLink('user', x.user_id) : null],
      ['Tags', x.tags && x.tags.length ? el('span', { className: 'id-links' }, ...x.tags.map((tag) => idLink('tag', tag))) : null],
      ['Model id', x.ai_model_id],
    ])));
    const tokenCard = (label, value, id) => el('div', { className: 'token-card', id },
      el('span', { text: label }), el('strong', { text: count(value) }));
    const tokenCards = [
      tokenCard('Input tokens', x.input_tokens, 'detail-input-tokens'),
      tokenCard('Output tokens', x.output_tokens, 'detail-output-tokens'),
      tokenCard('Total tokens', x.total_tokens, 'detail-total-tokens'),
      tokenCard('Cached input', x.cached_input_tokens, 'detail-cached-tokens'),
    ];
    // Counts that only some providers report: shown where present.
    if (x.cache_creation_input_tokens !== null && x.cache_creation_input_tokens !== undefined) {
      tokenCards.push(tokenCard('Cache writes', x.cache_creation_input_tokens, 'detail-cache-write-tokens'));
    }
    if (x.reasoning_tokens !== null && x.reasoning_tokens !== undefined) {
      tokenCards.push(tokenCard('Reasoning', x.reasoning_tokens, 'detail-reasoning-tokens'));
    }
    parts.push(el('div', { className: `token-cards count-${tokenCards.length}` }, ...tokenCards));
    parts.push(costSection(x));
    const parameters = infoGrid([
      ['Temperature', x.temperature === null ? null : String(x.temperature)],
      ['Max tokens', x.max_tokens === null ? null : count(x.max_tokens)],
    ]);
    const metadata = x.execution_metadata === null ? null
      : el('pre', { text: JSON.stringify(x.execution_metadata, null, 2) });
    parts.push(section('Parameters', parameters.childElementCount ? parameters : el('p', { className: 'muted', text: 'None recorded.' }),
      metadata ? el('h3', { text: 'Metadata' }) : null, metadata));
    parts.push(section('System prompt', x.system_prompt === null ? el('p', { className: 'muted', text: 'None.' })
      : el('pre', { id: 'detail-system-prompt', text: x.system_prompt })));
    parts.push(section('Input messages', el('pre', { id: 'detail-input-messages', text: JSON.stringify(x.input_messages, null, 2) })));
    parts.push(section('Response', x.response_content === null ? el('p', { className: 'muted', text: 'No response.' })
      : el('pre', { id: 'detail-response', text: x.response_content })));
    $('detail-body').replaceChildren(...parts);
  }

  // What the execution cost, by component, or why its cost is unknown.
  function costSection(x) {
    const cost = x.cost;
    const node = el('section', { className: 'section', id: 'detail-cost', 'data-source': cost ? cost.source ?? '' : '' },
      el('h3', { text: 'Cost' }));
    const message = (kind, title, ...text) => el('p', { className: `cost-message ${kind}`, id: 'detail-cost-message' },
      el('strong', { text: title }), ' ', ...text);
    const reprice = el('code', { text: 'execlog reprice' });
    if (!cost || !cost.source) {
      node.append(message('not-priced', 'Not priced yet.', 'This execution was stored before execlog had costs. ', reprice,
        ' prices it; until then it counts as unpriced, not as $0.'));
      return node;
    }
    if (cost.source === 'unpriced') {
      node.append(message('unpriced', 'Unpriced.', `No price is known for ${x.provider} / ${x.model_name}: the cost is unknown, `
        + 'so it is left out of every total (never counted as $0). Add the model to your price file, then run ', reprice,
        ' (docs/COST.md).'));
      return node;
    }
    if (cost.source === 'no_usage') {
      node.append(message('no-usage', 'No usage reported.', 'The call succeeded without token counts: its cost is unknown, '
        + 'so it is left out of every total (never counted as $0).'));
      return node;
    }
    if (cost.source === 'caller') {
      node.append(
        el('p', { className: 'cost-total', id: 'detail-cost-total', 'data-nano': String(cost.total_nano_usd), title: nanoTitle(cost.total_nano_usd),
          text: callMoney(cost.total_nano_usd) }),
        message('caller', 'Given by the caller.', `The amount the caller reported${x.cost_usd === null || x.cost_usd === undefined ? ''
          : ` (cost_usd ${x.cost_usd})`}, kept as given: it wins over a price computed by execlog.`));
      return node;
    }
    // Computed from a price: the tokens each component bills and what they cost.
    const input = x.input_tokens ?? 0;
    const cached = x.cached_input_tokens ?? 0;
    const writes = x.cache_creation_input_tokens ?? 0;
    const tokens = (n) => (n === null || n === undefined ? '' : `${count(n)} tokens`);
    const row = (component, label, tokenText, nano) => el('tr', { 'data-component': component },
      el('th', { scope: 'row', text: label }),
      el('td', { className: 'number muted', text: tokenText }),
      el('td', { className: 'number amount', 'data-nano': nano === null || nano === undefined ? '' : String(nano),
        title: nano === null || nano === undefined ? '' : nanoTitle(nano), text: callMoney(nano) }));
    const reasoning = x.reasoning_tokens ? ` (${count(x.reasoning_tokens)} reasoning)` : '';
    const total = row('total', 'Total', tokens(x.total_tokens ?? (x.input_tokens ?? 0) + (x.output_tokens ?? 0)), cost.total_nano_usd);
    total.className = 'total';
    total.lastChild.id = 'detail-cost-total';
    node.append(
      el('table', { className: 'cost-table' }, el('tbody', {},
        row('input', 'Input', tokens(x.input_tokens === null ? null : Math.max(0, input - cached - writes)), cost.input_nano_usd),
        row('cached_input', 'Cached input', tokens(x.cached_input_tokens), cost.cached_input_nano_usd),
        row('cache_write', 'Cache writes', tokens(x.cache_creation_input_tokens), cost.cache_write_nano_usd),
        row('output', 'Output', `${tokens(x.output_tokens)}${reasoning}`, cost.output_nano_usd),
        total)),
      infoGrid([['Price', cost.price_ref ? el('code', { id: 'detail-price-ref', text: cost.price_ref }) : 'not recorded']]));
    return node;
  }

  // ---- Charts: small SVG drawings of our own ----

  const HOUR = 3600000;
  const DAY = 86400000;

  // Buckets without executions are absent from the API's answer: add them as zeros so that time reads evenly.
  function withGapsFilled(series) {
    const step = series.bucket === 'hour' ? HOUR : DAY;
    const byStart = new Map(series.points.map((point) => [Date.parse(point.start), point]));
    const starts = [...byStart.keys()];
    const f = state.filters;
    const floor = (time) => time - (time % step);
    let first = starts.length ? Math.min(...starts) : null;
    let last = starts.length ? Math.max(...starts) : null;
    if (f.startDate) first = floor(Date.parse(f.startDate));
    if (f.endDate) last = floor(Date.parse(f.endDate) + DAY - 1);
    if (first === null || last === null || last < first || (last - first) / step > 2000) return series;
    const points = [];
    for (let time = first; time <= last; time += step) {
      points.push(byStart.get(time) || {
        start: new Date(time).toISOString(), executions: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, errors: 0,
        cost_nano_usd: 0, unpriced_executions: 0, cost_nano_usd_by_model: {}, unpriced_executions_by_model: {}, by_provider: {},
      });
    }
    return { bucket: series.bucket, points };
  }

  // The axis top, chosen so that its quarters (the grid lines) are round numbers too.
  function niceMaximum(value) {
    if (value <= 0) return 1;
    const magnitude = 10 ** Math.floor(Math.log10(value));
    for (const factor of [1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6, 8, 10]) {
      if (value <= factor * magnitude) return factor * magnitude;
    }
    return 10 * magnitude;
  }

  function bucketLabel(start, bucket, spansDays) {
    const date = new Date(start);
    if (bucket === 'day') return dayLabel.format(date);
    return spansDays ? dayHourLabel.format(date) : hourLabel.format(date);
  }

  // Stacked bars (or a stacked area) of `layers` over the series' buckets.
  // `format` writes a value in the tooltips, `axis(maximum)` makes the axis's; `wholeTicks`: small counts get whole
  // ticks; `note(point)` adds lines to a tooltip, `hideZero` leaves out its layers that are 0 there.
  function drawTimeChart(container, points, bucket, layers, {
    area = false, unit = '', format = count, axis = () => compact, wholeTicks = true, note = null, hideZero = false,
    empty = 'No executions in this range.',
  } = {}) {
    const tip = { unit, format, note, hideZero };
    const width = Math.max(container.clientWidth, 280);
    const height = container.clientHeight || 190;
    const margin = { top: 8, right: 8, bottom: 24, left: 46 };
    const plotWidth = width - margin.left - margin.right;
    const plotHeight = height - margin.top - margin.bottom;
    if (!points.length) {
      container.replaceChildren(el('div', { className: 'empty', text: empty }));
      return;
    }
    const totals = points.map((point) => layers.reduce((sum, layer) => sum + layer.value(point), 0));
    // Small counts get whole-number ticks: "1.5 errors" reads wrong.
    const highest = Math.max(...totals);
    const maximum = wholeTicks && highest <= 20 ? Math.max(4, Math.ceil(highest / 4) * 4) : niceMaximum(highest);
    const y = (value) => margin.top + plotHeight - (value / maximum) * plotHeight;
    const axisLabel = axis(maximum);
    const band = plotWidth / points.length;
    const chart = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });

    for (let tick = 0; tick <= 4; tick++) {
      const value = (maximum / 4) * tick;
      chart.append(svgEl('line', { class: 'grid', x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value) }));
      chart.append(svgEl('text', { class: 'axis', x: margin.left - 6, y: y(value) + 3.5, 'text-anchor': 'end' }, axisLabel(value)));
    }

    const spansDays = bucket === 'hour' && points.length > 24;
    const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(plotWidth / 90))));
    points.forEach((point, index) => {
      if (index % labelEvery !== 0) return;
      chart.append(svgEl('text', {
        class: 'axis', x: margin.left + band * (index + 0.5), y: height - 6, 'text-anchor': 'middle',
      }, bucketLabel(point.start, bucket, spansDays)));
    });

    if (area) {
      let below = points.map(() => 0);
      for (const layer of layers) {
        const above = points.map((point, index) => below[index] + layer.value(point));
        const x = (index) => margin.left + band * (index + 0.5);
        const top = above.map((value, index) => `${x(index)},${y(value)}`);
        const bottom = below.map((value, index) => `${x(index)},${y(value)}`).reverse();
        chart.append(svgEl('polygon', { points: [...top, ...bottom].join(' '), fill: layer.color, 'fill-opacity': '0.22' }));
        chart.append(svgEl('polyline', { points: top.join(' '), fill: 'none', stroke: layer.color, 'stroke-width': '1.8' }));
        below = above;
      }
      points.forEach((point, index) => {
        const hit = svgEl('rect', { x: margin.left + band * index, y: margin.top, width: band, height: plotHeight, fill: 'transparent' });
        hit.append(svgEl('title', {}, tooltip(point, bucket, layers, tip)));
        chart.append(hit);
      });
    } else {
      const barWidth = Math.max(1, band * 0.72);
      points.forEach((point, index) => {
        let base = 0;
        const group = svgEl('g');
        for (const layer of layers) {
          const value = layer.value(point);
          if (value <= 0) continue;
          group.append(svgEl('rect', {
            class: 'bar', x: margin.left + band * index + (band - barWidth) / 2, y: y(base + value),
            width: barWidth, height: Math.max(0.5, y(base) - y(base + value)), fill: layer.color, rx: Math.min(2, barWidth / 4),
          }));
          base += value;
        }
        group.append(svgEl('title', {}, tooltip(point, bucket, layers, tip)));
        chart.append(group);
      });
    }
    container.replaceChildren(chart);
  }

  function tooltip(point, bucket, layers, { unit, format, note, hideZero }) {
    const when = bucket === 'day' ? dayLabel.format(new Date(point.start)) : dayHourLabel.format(new Date(point.start));
    const lines = layers.filter((layer) => !hideZero || layer.value(point) !== 0)
      .map((layer) => `${layer.name}: ${format(layer.value(point))}${unit}`);
    const extra = note ? note(point) : '';
    return `${when} (UTC)\n${lines.join('\n')}${extra ? `\n${extra}` : ''}`;
  }

  function legend(container, layers) {
    container.replaceChildren(...layers.map((layer) => {
      const swatch = el('i');
      swatch.style.background = layer.color;
      return el('span', {}, swatch, layer.name);
    }));
  }

  function renderTimeCharts() {
    const series = state.series;
    if (!series) return;
    const providers = [...new Set(series.points.flatMap((point) => Object.keys(point.by_provider)))].sort();
    const providerLayers = providers.map((name) => ({
      name, color: providerColor(name), value: (point) => (point.by_provider[name] ? point.by_provider[name].executions : 0),
    }));
    drawTimeChart($('chart-executions'), series.points, series.bucket, providerLayers);
    legend($('legend-executions'), providerLayers);

    const tokenLayers = [
      { name: 'Input', color: INPUT_COLOR, value: (point) => point.input_tokens },
      { name: 'Output', color: OUTPUT_COLOR, value: (point) => point.output_tokens },
    ];
    drawTimeChart($('chart-tokens'), series.points, series.bucket, tokenLayers, { area: true, unit: ' tokens' });
    legend($('legend-tokens'), tokenLayers);

    renderCostChart();

    const errorLayers = [{ name: 'Errors', color: ERROR_COLOR, value: (point) => point.errors }];
    drawTimeChart($('chart-errors'), series.points, series.bucket, errorLayers);
    const errors = series.points.reduce((sum, point) => sum + point.errors, 0);
    const executions = series.points.reduce((sum, point) => sum + point.executions, 0);
    $('legend-errors').textContent = executions ? `${count(errors)} errors · ${percentFormat.format(errors / executions)}` : '';
  }

  // The known cost per bucket, stacked by provider or by model; the unpriced executions are named in the tooltip.
  function renderCostChart() {
    const series = state.series;
    if (!series) return;
    const byModel = state.costView === 'model';
    $('cost-by-provider').setAttribute('aria-pressed', String(!byModel));
    $('cost-by-model').setAttribute('aria-pressed', String(byModel));
    let layers;
    if (byModel) {
      const totals = new Map();
      for (const point of series.points) {
        for (const [model, nano] of Object.entries(point.cost_nano_usd_by_model || {})) totals.set(model, (totals.get(model) || 0) + nano);
      }
      const ranked = [...totals.entries()].filter(([, nano]) => nano > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([model]) => model);
      const shown = ranked.length > COST_MODELS_SHOWN + 1 ? ranked.slice(0, COST_MODELS_SHOWN) : ranked;
      const others = new Set(ranked.slice(shown.length));
      layers = shown.map((model, index) => ({
        name: model, color: COLORS[index % COLORS.length], value: (point) => (point.cost_nano_usd_by_model || {})[model] || 0,
      }));
      if (others.size) {
        layers.push({
          name: `${others.size} other models`, color: OTHER_COLOR,
          value: (point) => Object.entries(point.cost_nano_usd_by_model || {}).reduce((sum, [model, nano]) => sum + (others.has(model) ? nano : 0), 0),
        });
      }
    } else {
      const providers = [...new Set(series.points.flatMap((point) => Object.keys(point.by_provider)))].sort();
      layers = providers.map((name) => ({
        name, color: providerColor(name), value: (point) => (point.by_provider[name] ? point.by_provider[name].cost_nano_usd || 0 : 0),
      }));
    }
    const known = series.points.reduce((sum, point) => sum + (point.cost_nano_usd || 0), 0);
    const unpriced = series.points.reduce((sum, point) => sum + (point.unpriced_executions || 0), 0);
    const points = known > 0 ? series.points : [];
    drawTimeChart($('chart-cost'), points, series.bucket, layers, {
      format: money, axis: moneyAxis, wholeTicks: false, hideZero: true,
      empty: unpriced ? `No priced executions in this range (${count(unpriced)} unpriced).` : 'No executions in this range.',
      note: (point) => {
        const lines = [`Total: ${money(point.cost_nano_usd || 0)}`];
        if (point.unpriced_executions) {
          lines.push(`${count(point.unpriced_executions)} unpriced, not in the total:`);
          // Which providers or models they are (the series names the models that have any).
          const names = byModel ? Object.entries(point.unpriced_executions_by_model || {})
            : Object.entries(point.by_provider).map(([name, p]) => [name, p.unpriced_executions || 0]).filter(([, n]) => n > 0);
          names.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
          for (const [name, n] of names.slice(0, 5)) lines.push(`  ${name}: ${count(n)}`);
          if (names.length > 5) lines.push(`  and ${count(names.length - 5)} more`);
        }
        return lines.join('\n');
      },
    });
    legend($('legend-cost'), known > 0 ? layers.filter((layer) => series.points.some((point) => layer.value(point) > 0)) : []);
  }

  // The known cost of each model in the filter, costliest first; models with unpriced executions say how many.
  function renderCostModels(stats) {
    const container = $('chart-cost-models');
    const costs = stats.cost_nano_usd_by_model || {};
    const unpriced = stats.unpriced_executions_by_model || {};
    const executions = stats.executions_by_model || {};
    const names = [...new Set([...Object.keys(costs), ...Object.keys(unpriced)])]
      .sort((a, b) => (costs[b] || 0) - (costs[a] || 0) || (unpriced[b] || 0) - (unpriced[a] || 0) || a.localeCompare(b));
    $('legend-cost-models').textContent = names.length ? `${count(names.length)} models` : '';
    if (!names.length) {
      container.replaceChildren(el('div', { className: 'empty', text: 'No executions in this range.' }));
      return;
    }
    const width = Math.max(container.clientWidth, 280);
    const availableHeight = container.clientHeight || 190;
    // As many rows as fit at 19 px or more; the rest are summed in a last row.
    const fit = Math.max(2, Math.floor(availableHeight / 19));
    let rows = names.map((name) => ({ name, cost: costs[name] || 0, unpriced: unpriced[name] || 0, executions: executions[name] || 0 }));
    if (rows.length > fit) {
      const rest = rows.slice(fit - 1);
      rows = rows.slice(0, fit - 1);
      rows.push({
        name: `${rest.length} other models`, other: true, cost: rest.reduce((sum, r) => sum + r.cost, 0),
        unpriced: rest.reduce((sum, r) => sum + r.unpriced, 0), executions: rest.reduce((sum, r) => sum + r.executions, 0),
      });
    }
    const rowHeight = Math.min(34, availableHeight / rows.length);
    const height = rowHeight * rows.length;
    const labelWidth = Math.min(140, Math.round(width * 0.34));
    const valueWidth = Math.min(150, Math.round(width * 0.32));
    const barSpace = Math.max(20, width - labelWidth - valueWidth);
    const maximum = Math.max(1, ...rows.map((r) => r.cost));
    const maxCharacters = Math.max(6, Math.floor((labelWidth - 8) / 7));
    const chart = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
    rows.forEach((r, index) => {
      const top = index * rowHeight;
      const barHeight = Math.max(6, rowHeight * 0.56);
      const label = r.name.length > maxCharacters ? `${r.name.slice(0, maxCharacters - 1)}…` : r.name;
      const group = svgEl('g', { 'data-model': r.other ? '' : r.name });
      group.append(svgEl('text', { class: 'provider-label', x: 0, y: top + rowHeight / 2 + 4 }, label));
      group.append(svgEl('rect', { x: labelWidth, y: top + (rowHeight - barHeight) / 2, width: barSpace, height: barHeight, rx: 4, fill: '#f1f3f7' }));
      if (r.cost > 0) {
        group.append(svgEl('rect', {
          class: 'bar', x: labelWidth, y: top + (rowHeight - barHeight) / 2, width: Math.max(2, (r.cost / maximum) * barSpace),
          height: barHeight, rx: 4, fill: r.other ? OTHER_COLOR : COST_COLOR,
        }));
      }
      const priced = r.executions - r.unpriced;
      const value = [r.cost > 0 || priced > 0 || r.unpriced === 0 ? money(r.cost) : null, r.unpriced ? `${count(r.unpriced)} unpriced` : null]
        .filter(Boolean).join(' · ');
      group.append(svgEl('text', {
        class: `provider-value${r.unpriced ? ' unpriced' : ''}`, x: width, y: top + rowHeight / 2 + 4, 'text-anchor': 'end',
      }, value));
      const unpricedText = r.unpriced ? `${count(r.unpriced)} executions without a known cost (not in any total)` : '';
      group.append(svgEl('title', {}, r.cost > 0 || priced > 0
        ? `${r.name}: ${money(r.cost)} over ${count(Math.max(0, priced))} priced executions${unpricedText ? `; ${unpricedText}` : ''}`
        : `${r.name}: ${unpricedText}`));
      chart.append(group);
    });
    container.replaceChildren(chart);
  }

  function renderProviders(stats) {
    const container = $('chart-providers');
    const names = Object.keys(stats.executions_by_provider)
      .sort((a, b) => stats.executions_by_provider[b] - stats.executions_by_provider[a] || a.localeCompare(b));
    if (!names.length) {
      container.replaceChildren(el('div', { className: 'empty', text: 'No executions in this range.' }));
      return;
    }
    const width = Math.max(container.clientWidth, 280);
    const rowHeight = Math.min(34, (container.clientHeight || 190) / names.length);
    const height = rowHeight * names.length;
    const labelWidth = 96;
    const valueWidth = 150;
    const barSpace = width - labelWidth - valueWidth;
    const maximum = Math.max(...names.map((name) => stats.executions_by_provider[name]));
    const chart = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
    names.forEach((name, index) => {
      const executions = stats.executions_by_provider[name];
      const tokens = stats.tokens_by_provider[name] || 0;
      const top = index * rowHeight;
      const barHeight = Math.max(6, rowHeight * 0.56);
      const group = svgEl('g');
      group.append(svgEl('text', { class: 'provider-label', x: 0, y: top + rowHeight / 2 + 4 }, name));
      group.append(svgEl('rect', { x: labelWidth, y: top + (rowHeight - barHeight) / 2, width: barSpace, height: barHeight, rx: 4, fill: '#f1f3f7' }));
      group.append(svgEl('rect', {
        class: 'bar', x: labelWidth, y: top + (rowHeight - barHeight) / 2, width: Math.max(2, (executions / maximum) * barSpace),
        height: barHeight, rx: 4, fill: providerColor(name),
      }));
      group.append(svgEl('text', { class: 'provider-value', x: width, y: top + rowHeight / 2 + 4, 'text-anchor': 'end' },
        `${count(executions)} · ${compact(tokens)}`));
      group.append(svgEl('title', {}, `${name}: ${count(executions)} executions, ${count(tokens)} tokens`));
      chart.append(group);
    });
    container.replaceChildren(chart);
  }

  // ---- Filters: the controls, the chips and the address ----

  function showSearchError(message) {
    const node = $('search-error');
    node.textContent = message;
    node.hidden = !message;
    $('filter-q').setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  // The filters the selects do not show, and the search, as chips that remove themselves.
  function renderChips() {
    const chips = CHIPS.filter(([key]) => state.filters[key]).map(([key, label]) => {
      const value = state.filters[key];
      const remove = el('button', { type: 'button', className: 'chip-remove', 'aria-label': `Remove the filter ${label}: ${value}`, text: '×' });
      remove.addEventListener('click', () => removeFilter(key));
      return el('span', { className: 'filter-chip', 'data-filter': key, title: `${label}: ${value}` },
        el('span', { className: 'chip-label', text: `${label}:` }),
        el('span', { className: 'chip-value', text: key === 'q' ? value : shortId(value) }), remove);
    });
    $('filter-chips').replaceChildren(...chips);
    $('filter-chips').hidden = !chips.length;
  }

  function addFilter(key, value) {
    closeDetail();
    $('timeline').hidden = true;
    state.view = null;
    state.filters[key] = value;
    applyFilters();
  }

  function removeFilter(key) {
    state.filters[key] = '';
    if (key === 'q') $('filter-q').value = '';
    applyFilters();
  }

  // From the selects, the dates and the search box; the chips' filters stay.
  function readFilters() {
    Object.assign(state.filters, {
      usageType: $('filter-usage-type').value,
      provider: $('filter-provider').value,
      hasError: $('filter-status').value,
      startDate: $('filter-start-date').value,
      endDate: $('filter-end-date').value,
      q: $('filter-q').value.trim(),
    });
    applyFilters();
  }

  function applyFilters() {
    clearTimeout(state.searchTimer);
    state.cursors = [null];
    state.page = 0;
    writeAddress();
    renderChips();
    loadAll();
  }

  function showFiltersInControls() {
    const f = state.filters;
    for (const [id, value] of [['filter-usage-type', f.usageType], ['filter-provider', f.provider], ['filter-status', f.hasError],
      ['filter-start-date', f.startDate], ['filter-end-date', f.endDate], ['filter-q', f.q]]) {
      const control = $(id);
      // A select without the option yet (facets not loaded): loadFacets adds and selects it.
      if (control.tagName === 'SELECT' && value && ![...control.options].some((option) => option.value === value)) {
        control.append(el('option', { value, text: value }));
      }
      control.value = value;
    }
  }

  // The address holds the view: the filters by their API names, and the open timeline (#q=…&user_id=…&trace=…),
  // so that a view can be reloaded and shared.
  function address() {
    const params = new URLSearchParams();
    for (const [key, name] of FILTERS) if (state.filters[key]) params.set(name, state.filters[key]);
    if (state.view) params.set(state.view.kind, state.view.id);
    const text = params.toString();
    return text ? `#${text}` : '';
  }

  function writeAddress() {
    const hash = address();
    if (hash === (window.location.hash === '#' ? '' : window.location.hash)) return;
    window.history.pushState(null, '', hash || `${window.location.pathname}${window.location.search}`);
  }

  // Reads the address into the state; answers the timeline it names.
  function readAddress() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    state.filters = Object.fromEntries(FILTERS.map(([key, name]) => [key, (params.get(name) || '').trim()]));
    const kind = ['trace', 'session'].find((name) => params.get(name));
    return kind ? { kind, id: params.get(kind) } : null;
  }

  // Back, forward, or an address edited by hand: the page follows it.
  function followAddress() {
    if (address() === (window.location.hash === '#' ? '' : window.location.hash)) return;
    const before = JSON.stringify(state.filters);
    const view = readAddress();
    showFiltersInControls();
    renderChips();
    if (JSON.stringify(state.filters) !== before) {
      state.cursors = [null];
      state.page = 0;
      loadAll();
    }
    if (view && !sameView(view.kind, view.id)) openTimeline(view.kind, view.id);
    if (!view && state.view) { $('timeline').hidden = true; state.view = null; }
  }

  // ---- Wiring ----

  function wireSearch() {
    const run = () => {
      clearTimeout(state.searchTimer);
      const q = $('filter-q').value.trim();
      if (q === state.filters.q) return;
      state.filters.q = q;
      applyFilters();
    };
    $('filter-q').addEventListener('input', () => {
      clearTimeout(state.searchTimer);
      state.searchTimer = setTimeout(run, SEARCH_DELAY_MS);
    });
    $('filter-q').addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); run(); }
    });
  }

  function start() {
    for (const id of ['filter-usage-type', 'filter-provider', 'filter-status', 'filter-start-date', 'filter-end-date']) {
      $(id).addEventListener('change', readFilters);
    }
    $('filter-clear').addEventListener('click', () => {
      state.filters = emptyFilters();
      showFiltersInControls();
      applyFilters();
    });
    wireSearch();
    $('refresh').addEventListener('click', loadAll);
    $('page-size').addEventListener('change', () => {
      state.limit = Number($('page-size').value);
      state.cursors = [null];
      state.page = 0;
      loadPage().catch((error) => showError(error.message));
    });
    $('page-next').addEventListener('click', () => {
      if (!state.nextCursor) return;
      state.cursors[state.page + 1] = state.nextCursor;
      state.page += 1;
      loadPage().catch((error) => showError(error.message));
    });
    $('page-prev').addEventListener('click', () => {
      if (state.page === 0) return;
      state.page -= 1;
      loadPage().catch((error) => showError(error.message));
    });
    for (const [id, view] of [['cost-by-provider', 'provider'], ['cost-by-model', 'model']]) {
      $(id).addEventListener('click', () => { state.costView = view; renderCostChart(); });
    }
    $('detail-close').addEventListener('click', closeDetail);
    $('detail').addEventListener('click', (event) => { if (event.target === $('detail')) closeDetail(); });
    $('timeline-close').addEventListener('click', closeTimeline);
    $('timeline').addEventListener('click', (event) => { if (event.target === $('timeline')) closeTimeline(); });
    // Escape closes the drawer on top: an execution's detail over a timeline, then the timeline.
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      if (!$('detail').hidden) closeDetail();
      else if (!$('timeline').hidden) closeTimeline();
    });
    window.addEventListener('popstate', followAddress);
    window.addEventListener('hashchange', followAddress);
    let resizeTimer = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        renderTimeCharts();
        if (state.stats) { renderProviders(state.stats); renderCostModels(state.stats); }
      }, 120);
    });
    const view = readAddress();
    showFiltersInControls();
    renderChips();
    loadAll();
    if (view) openTimeline(view.kind, view.id);
  }

  start();
})();

// execlog dashboard: reads the REST API of `execlog serve` and draws the page. No framework, no build: ES modules
// (format.js, api.js, charts.js, bars.js, table.js, drawer.js, timeline.js, filters.js), this one wires them.
// Everything the server sends is inserted as text (textContent, SVG attributes), never as HTML.
import { API, filterKey, filterParams, filterSpan, getJSON, isSearchError, state } from './api.js';
import { renderCostModels, renderProviders, renderUsageTypes } from './bars.js';
import { clearBars, clearTimeCharts, renderCostChart, renderTimeCharts, withGapsFilled } from './charts.js';
import { closeDetail, copyButton, topOverlay, trapFocus } from './drawer.js';
import {
  fillSelect, onFiltersChanged, readAddress, renderChips, showFiltersInControls, showSearchError, wireFilters, writeAddress,
} from './filters.js';
import {
  $, MISSING, count, duration, el, formatTime, money, nanoTitle, percentFormat, setTimeZone, timeZoneSetting, zoneLabel, zoneTitle,
} from './format.js';
import { loadPage, renderHeaders, renderRows, resetPaging, wireSort } from './table.js';
import { closeTimeline, openTimeline } from './timeline.js';

// ---- Loading, and what the page says when a load fails ----

function showError(message) {
  const banner = $('error-banner');
  banner.textContent = message;
  banner.hidden = !message;
}

const clock = (date) => `${formatTime(date, 'clock')} ${zoneLabel(date)}`;

function showUpdated() {
  const node = $('updated-at');
  if (!state.updatedAt) { node.textContent = ''; return; }
  node.dateTime = state.updatedAt.toISOString();
  node.textContent = `Updated ${clock(state.updatedAt)}`;
}

// After a failed load: what the cards and charts show is from an earlier one (marked stale), or nothing.
function showStale(failure) {
  const mark = $('stale-mark');
  const stale = Boolean(failure) && state.updatedAt !== null && (state.statsKey === filterKey() || state.seriesKey === filterKey());
  const why = failure && failure.unreachable ? 'Server unreachable' : 'Refresh failed';
  mark.hidden = !failure || isSearchError(failure);
  mark.textContent = stale ? `${why} — showing data from ${clock(state.updatedAt)}` : `${why} — nothing loaded for these filters`;
  mark.dataset.stale = String(stale);
  for (const [selector, label] of [['.cards', 'Totals'], ['.charts', 'Charts']]) {
    const node = document.querySelector(selector);
    node.classList.toggle('stale', stale);
    node.setAttribute('aria-label', stale ? `${label} (stale: data from ${clock(state.updatedAt)}, the refresh failed)` : label);
    if (stale) node.title = `Stale: data from ${clock(state.updatedAt)}; the last refresh failed (${failure.message})`;
    else node.removeAttribute('title');
  }
}

async function loadAll() {
  const generation = ++state.generation;
  const key = filterKey();
  document.body.dataset.state = 'loading';
  $('refresh').classList.add('loading');
  $('refresh').disabled = true;
  document.querySelector('.cards').classList.add('loading');
  showError('');
  const results = await Promise.allSettled([loadFacets(), loadStats(generation, key), loadCharts(generation, key), loadPage()]);
  if (generation !== state.generation) return;
  const failures = results.filter((result) => result.status === 'rejected').map((result) => result.reason);
  const searchFailure = failures.find(isSearchError);
  const failure = failures.find((error) => !isSearchError(error));
  // Numbers of other filters are never shown under these: what failed for them is blank (the cards and the
  // bars come from the stats, the charts over time from the time series).
  const noData = searchFailure && !failure ? 'No data: the search cannot be run.' : 'No data: the server did not answer.';
  if (results[1].status === 'rejected' && state.statsKey !== key) {
    blankCards();
    clearBars(noData);
  }
  if (results[2].status === 'rejected' && state.seriesKey !== key) {
    state.series = null;
    state.seriesKey = null;
    clearTimeCharts(noData);
  }
  showSearchError(searchFailure ? searchFailure.message : '');
  showError(failure ? failure.message : '');
  if (!failure && !searchFailure) state.updatedAt = new Date();
  state.failure = failure || searchFailure || null;
  showStale(state.failure);
  showUpdated();
  $('refresh').classList.remove('loading');
  $('refresh').disabled = false;
  document.querySelector('.cards').classList.remove('loading');
  document.body.dataset.state = failure || searchFailure ? 'error' : 'ready';
  if (window.execlogFirstLoadMs === undefined) window.execlogFirstLoadMs = performance.now();
}

async function loadFacets() {
  const facets = await getJSON(`${API}/facets`);
  state.providers = facets.providers;
  fillSelect($('filter-usage-type'), facets.usage_types, 'All usage types', state.filters.usageType);
  fillSelect($('filter-provider'), facets.providers, 'All providers', state.filters.provider);
  fillSelect($('filter-model'), facets.model_names || [], 'All models', state.filters.modelName);
}

async function loadStats(generation, key) {
  const stats = await getJSON(`${API}/stats`, filterParams());
  if (generation !== state.generation) return;
  state.stats = stats;
  state.statsKey = key;
  state.total = stats.total_executions;
  renderStats();
}

function renderStats() {
  const stats = state.stats;
  if (!stats) return;
  renderCards(stats);
  renderProviders(stats);
  renderUsageTypes(stats);
  renderCostModels(stats);
}

// Ranges of two days or less are charted by the hour, longer ones by the (UTC) day.
async function loadCharts(generation, key) {
  const span = filterSpan();
  let bucket = 'day';
  if (span.from !== null && (span.to ?? Date.now()) - span.from <= 2 * 86400000) bucket = 'hour';
  let series = await getJSON(`${API}/timeseries`, { ...filterParams(), bucket });
  // A store that spans a day or two reads better by the hour.
  if (bucket === 'day' && series.points.length > 0 && series.points.length <= 2) {
    series = await getJSON(`${API}/timeseries`, { ...filterParams(), bucket: 'hour' });
  }
  if (generation !== state.generation) return;
  state.series = withGapsFilled(series);
  state.seriesKey = key;
  renderTimeCharts();
}

// ---- Cards ----

function setCard(id, value, text) {
  const node = $(id).querySelector('.value');
  node.dataset.value = value === null || value === undefined ? '' : String(value);
  node.textContent = text;
}

function blankCards() {
  state.stats = null;
  state.statsKey = null;
  state.total = null;
  for (const id of ['card-total-executions', 'card-total-cost', 'card-total-tokens', 'card-input-tokens', 'card-avg-time']) {
    setCard(id, null, MISSING);
    $(id).querySelector('.value').removeAttribute('title');
  }
  for (const id of ['card-errors', 'card-cost-detail', 'card-output-tokens', 'card-input-share', 'card-percentiles']) $(id).replaceChildren();
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

// ---- Time zone: UTC or the browser's, for every time on the page ----

function showZone() {
  const local = timeZoneSetting() === 'local';
  $('zone-utc').setAttribute('aria-pressed', String(!local));
  $('zone-local').setAttribute('aria-pressed', String(local));
  $('zone-local').title = `Times in this browser's zone: ${zoneTitle()}`;
  $('zone-label').textContent = zoneLabel();
  for (const id of ['filter-start-zone', 'filter-end-zone']) $(id).textContent = `(${zoneLabel()})`;
  renderHeaders();
}

function setZone(zone) {
  setTimeZone(zone);
  showZone();
  showFiltersInControls();
  showUpdated();
  showStale(state.failure);
  for (const cell of document.querySelectorAll('#executions-table td.time')) cell.textContent = formatTime(cell.dataset.time);
  renderTimeCharts();
}

// ---- Wiring ----

function start() {
  wireFilters();
  onFiltersChanged(loadAll);
  wireSort(() => { writeAddress(); loadPage().catch((error) => showError(error.message)); });
  $('refresh').addEventListener('click', loadAll);
  $('zone-utc').addEventListener('click', () => setZone('utc'));
  $('zone-local').addEventListener('click', () => setZone('local'));
  $('page-size').addEventListener('change', () => {
    state.limit = Number($('page-size').value);
    resetPaging();
    loadPage().catch((error) => showError(error.message));
  });
  $('page-next').addEventListener('click', () => {
    if (!state.hasMore) return;
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
  $('detail-close').addEventListener('click', () => closeDetail());
  $('detail').addEventListener('click', (event) => { if (event.target === $('detail')) closeDetail(); });
  $('detail-id').after(copyButton('execution id', () => $('detail-id').textContent, 'detail-copy-id'));
  $('timeline-close').addEventListener('click', () => closeTimeline());
  $('timeline').addEventListener('click', (event) => { if (event.target === $('timeline')) closeTimeline(); });
  // Escape closes the drawer on top (an execution's detail over a timeline, then the timeline); Tab stays in it.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Tab') { trapFocus(event); return; }
    if (event.key !== 'Escape') return;
    const overlay = topOverlay();
    if (overlay === $('detail')) closeDetail();
    else if (overlay) closeTimeline();
  });
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { renderTimeCharts(); renderStats(); }, 120);
  });
  // The table's sticky header sits under the sticky top bar, however high that is (it wraps on a phone).
  const topbar = document.querySelector('.topbar');
  const measure = () => document.documentElement.style.setProperty('--topbar-height', `${topbar.offsetHeight}px`);
  new ResizeObserver(measure).observe(topbar);
  measure();
  const view = readAddress();
  showZone();
  showFiltersInControls();
  renderChips();
  renderRows([]);
  loadAll();
  if (view) openTimeline(view.kind, view.id);
}

start();

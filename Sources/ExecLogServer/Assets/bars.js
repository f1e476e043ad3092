// The bar charts of the stats: cost by model, executions by provider and by usage type.
import { providerColor } from './api.js';
import { $, compact, count, el, money, svgEl } from './format.js';

const COST_COLOR = '#16a34a';
const USAGE_COLOR = '#0891b2';
const OTHER_COLOR = '#94a3b8';

// The known cost of each model in the filter, costliest first; models with unpriced executions say how many.
const empty = (container) => container.replaceChildren(el('div', { className: 'empty', text: 'No executions in this range.' }));

// What both bar charts share: as many rows as fit at 16 px or more (the rest summed by `others` into a last
// row), and the geometry of a label, a bar and a value on each row.
function layout(container, rows, others, { labelMax, labelShare, valueMax, valueShare }) {
  const width = Math.max(container.clientWidth, 280);
  const availableHeight = container.clientHeight || 190;
  const fit = Math.max(2, Math.floor(availableHeight / 16));
  if (rows.length > fit) rows = [...rows.slice(0, fit - 1), { ...others(rows.slice(fit - 1)), other: true }];
  const rowHeight = Math.min(34, availableHeight / rows.length);
  const labelWidth = Math.min(labelMax, Math.round(width * labelShare));
  const valueWidth = Math.min(valueMax, Math.round(width * valueShare));
  return {
    rows, width, rowHeight, labelWidth, barSpace: Math.max(20, width - labelWidth - valueWidth),
    maxCharacters: Math.max(6, Math.floor((labelWidth - 8) / 7)),
    chart: svgEl('svg', { viewBox: `0 0 ${width} ${rowHeight * rows.length}`, role: 'img' }),
  };
}

// One row: its label, the bar's track, the bar (`fraction` of the track; none at 0) and its value at the end.
function barRow(g, r, index, attributes, fraction, fill, value, valueClass = 'provider-value') {
  const top = index * g.rowHeight;
  const barHeight = Math.max(6, g.rowHeight * 0.56);
  const y = top + (g.rowHeight - barHeight) / 2;
  const label = r.name.length > g.maxCharacters ? `${r.name.slice(0, g.maxCharacters - 1)}…` : r.name;
  const group = svgEl('g', attributes);
  group.append(svgEl('text', { class: 'provider-label', x: 0, y: top + g.rowHeight / 2 + 4 }, label));
  group.append(svgEl('rect', { x: g.labelWidth, y, width: g.barSpace, height: barHeight, rx: 4, fill: '#f1f3f7' }));
  if (fraction > 0) {
    group.append(svgEl('rect', {
      class: 'bar', x: g.labelWidth, y, width: Math.max(2, fraction * g.barSpace), height: barHeight, rx: 4, fill,
    }));
  }
  group.append(svgEl('text', { class: valueClass, x: g.width, y: top + g.rowHeight / 2 + 4, 'text-anchor': 'end' }, value));
  g.chart.append(group);
  return group;
}

const sum = (rows, key) => rows.reduce((total, r) => total + r[key], 0);

export function renderCostModels(stats) {
  const container = $('chart-cost-models');
  const costs = stats.cost_nano_usd_by_model || {};
  const unpriced = stats.unpriced_executions_by_model || {};
  const executions = stats.executions_by_model || {};
  const names = [...new Set([...Object.keys(costs), ...Object.keys(unpriced)])]
    .sort((a, b) => (costs[b] || 0) - (costs[a] || 0) || (unpriced[b] || 0) - (unpriced[a] || 0) || a.localeCompare(b));
  $('legend-cost-models').textContent = names.length ? `${count(names.length)} models` : '';
  if (!names.length) return empty(container);
  const g = layout(
    container, names.map((name) => ({ name, cost: costs[name] || 0, unpriced: unpriced[name] || 0, executions: executions[name] || 0 })),
    (rest) => ({ name: `${rest.length} other models`, cost: sum(rest, 'cost'), unpriced: sum(rest, 'unpriced'), executions: sum(rest, 'executions') }),
    { labelMax: 140, labelShare: 0.34, valueMax: 150, valueShare: 0.32 });
  const maximum = Math.max(1, ...g.rows.map((r) => r.cost));
  g.rows.forEach((r, index) => {
    const priced = r.executions - r.unpriced;
    const value = [r.cost > 0 || priced > 0 || r.unpriced === 0 ? money(r.cost) : null, r.unpriced ? `${count(r.unpriced)} unpriced` : null]
      .filter(Boolean).join(' · ');
    const group = barRow(g, r, index, { 'data-model': r.other ? '' : r.name }, r.cost / maximum, r.other ? OTHER_COLOR : COST_COLOR,
      value, `provider-value${r.unpriced ? ' unpriced' : ''}`);
    const unpricedText = r.unpriced ? `${count(r.unpriced)} executions without a known cost (not in any total)` : '';
    group.append(svgEl('title', {}, r.cost > 0 || priced > 0
      ? `${r.name}: ${money(r.cost)} over ${count(Math.max(0, priced))} priced executions${unpricedText ? `; ${unpricedText}` : ''}`
      : `${r.name}: ${unpricedText}`));
  });
  container.replaceChildren(g.chart);
}

// Executions of each name (a provider, a usage type), most first, with their tokens.
function countBars(container, executionsBy, tokensBy, color) {
  const names = Object.keys(executionsBy).sort((a, b) => executionsBy[b] - executionsBy[a] || a.localeCompare(b));
  if (!names.length) return empty(container);
  const g = layout(
    container, names.map((name) => ({ name, executions: executionsBy[name], tokens: tokensBy[name] || 0 })),
    (rest) => ({ name: `${rest.length} others`, executions: sum(rest, 'executions'), tokens: sum(rest, 'tokens') }),
    { labelMax: 130, labelShare: 0.3, valueMax: 130, valueShare: 0.3 });
  const maximum = Math.max(...g.rows.map((r) => r.executions));
  g.rows.forEach((r, index) => {
    const group = barRow(g, r, index, { 'data-name': r.other ? '' : r.name, 'data-executions': String(r.executions) },
      r.executions / maximum, r.other ? OTHER_COLOR : color(r.name), `${count(r.executions)} · ${compact(r.tokens)}`);
    group.append(svgEl('title', {}, `${r.name}: ${count(r.executions)} executions, ${count(r.tokens)} tokens`));
  });
  container.replaceChildren(g.chart);
}

export function renderProviders(stats) {
  countBars($('chart-providers'), stats.executions_by_provider || {}, stats.tokens_by_provider || {}, providerColor);
}

export function renderUsageTypes(stats) {
  countBars($('chart-usage-types'), stats.executions_by_usage_type || {}, stats.tokens_by_usage_type || {}, () => USAGE_COLOR);
}

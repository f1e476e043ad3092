// The charts over time: small SVG drawings of our own, in the page's time zone (the API's day buckets are UTC days).
import { COLORS, filterSpan, providerColor, state } from './api.js';
import {
  $, compact, count, dayLabel, duration, el, formatTime, money, moneyAxis, percentFormat, svgEl, zoneLabel,
} from './format.js';

const INPUT_COLOR = '#7c3aed';
const OUTPUT_COLOR = '#0891b2';
const ERROR_COLOR = '#dc2626';
const LATENCY_COLOR = '#d97706';
const OTHER_COLOR = '#94a3b8';
const COST_MODELS_SHOWN = 7; // the cost chart by model stacks the costliest models and one "Other"
const HOUR = 3600000;
const DAY = 86400000;

// Buckets without executions are absent from the API's answer: add them as zeros so that time reads evenly.
export function withGapsFilled(series) {
  const step = series.bucket === 'hour' ? HOUR : DAY;
  const byStart = new Map(series.points.map((point) => [Date.parse(point.start), point]));
  const starts = [...byStart.keys()];
  const floor = (time) => time - (time % step);
  let first = starts.length ? Math.min(...starts) : null;
  let last = starts.length ? Math.max(...starts) : null;
  const span = filterSpan();
  if (span.from !== null) first = floor(span.from);
  if (span.to !== null) last = floor(span.to - 1);
  if (first === null || last === null || last < first || (last - first) / step > 2000) return series;
  const points = [];
  for (let time = first; time <= last; time += step) {
    points.push(byStart.get(time) || {
      start: new Date(time).toISOString(), executions: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, errors: 0,
      cost_nano_usd: 0, unpriced_executions: 0, cost_nano_usd_by_model: {}, unpriced_executions_by_model: {}, by_provider: {},
      by_usage_type: {}, p50_execution_time_ms: null, p95_execution_time_ms: null,
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
  if (bucket === 'day') return dayLabel(start);
  return formatTime(start, spansDays ? 'dayHour' : 'hour');
}

function bucketTitle(start, bucket) {
  if (bucket === 'day') return `${dayLabel(start)} (UTC day)`;
  return `${formatTime(start, 'dayHour')} (${zoneLabel(new Date(start))})`;
}

// Stacked bars, a stacked area or a line of `layers` over the series' buckets.
// `format` writes a value in the tooltips, `axis(maximum)` makes the axis's; `wholeTicks`: small counts get whole
// ticks; `note(point)` adds lines to a tooltip, `hideZero` leaves out its layers that are 0 there. A line's
// values may be null (no point there).
function drawTimeChart(container, points, bucket, layers, {
  area = false, line = false, unit = '', format = count, axis = () => compact, wholeTicks = true, note = null, hideZero = false,
  empty = 'No executions in this range.',
} = {}) {
  const tip = { unit, format, note, hideZero };
  container.dataset.bucket = bucket;
  const width = Math.max(container.clientWidth, 280);
  const height = container.clientHeight || 190;
  const margin = { top: 8, right: 8, bottom: 24, left: 52 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const valueOf = (layer, point) => layer.value(point) ?? 0;
  if (!points.length || (line && !points.some((point) => layers.some((layer) => layer.value(point) !== null)))) {
    container.replaceChildren(el('div', { className: 'empty', text: empty }));
    return;
  }
  const totals = points.map((point) => (line ? Math.max(...layers.map((layer) => valueOf(layer, point)))
    : layers.reduce((sum, layer) => sum + valueOf(layer, point), 0)));
  // Small counts get whole-number ticks: "1.5 errors" reads wrong.
  const highest = Math.max(...totals);
  const maximum = wholeTicks && highest <= 20 ? Math.max(4, Math.ceil(highest / 4) * 4) : niceMaximum(highest);
  const y = (value) => margin.top + plotHeight - (value / maximum) * plotHeight;
  const axisLabel = axis(maximum);
  const band = plotWidth / points.length;
  const x = (index) => margin.left + band * (index + 0.5);
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
    chart.append(svgEl('text', { class: 'axis', x: x(index), y: height - 6, 'text-anchor': 'middle' },
      bucketLabel(point.start, bucket, spansDays)));
  });

  const hitAreas = () => points.forEach((point, index) => {
    const hit = svgEl('rect', { class: 'hit', x: margin.left + band * index, y: margin.top, width: band, height: plotHeight, fill: 'transparent' });
    hit.append(svgEl('title', {}, tooltip(point, bucket, layers, tip)));
    chart.append(hit);
  });
  if (line) {
    for (const layer of layers) {
      // A line through the buckets that have a value; a gap where one has none.
      let run = [];
      const flush = () => {
        if (run.length > 1) chart.append(svgEl('polyline', { points: run.join(' '), fill: 'none', stroke: layer.color, 'stroke-width': '1.8' }));
        run = [];
      };
      points.forEach((point, index) => {
        const value = layer.value(point);
        if (value === null || value === undefined) { flush(); return; }
        run.push(`${x(index)},${y(value)}`);
        chart.append(svgEl('circle', { class: 'point', cx: x(index), cy: y(value), r: points.length > 60 ? 1.5 : 2.5, fill: layer.color }));
      });
      flush();
    }
    hitAreas();
  } else if (area) {
    let below = points.map(() => 0);
    for (const layer of layers) {
      const above = points.map((point, index) => below[index] + valueOf(layer, point));
      const top = above.map((value, index) => `${x(index)},${y(value)}`);
      const bottom = below.map((value, index) => `${x(index)},${y(value)}`).reverse();
      chart.append(svgEl('polygon', { points: [...top, ...bottom].join(' '), fill: layer.color, 'fill-opacity': '0.22' }));
      chart.append(svgEl('polyline', { points: top.join(' '), fill: 'none', stroke: layer.color, 'stroke-width': '1.8' }));
      below = above;
    }
    hitAreas();
  } else {
    const barWidth = Math.max(1, band * 0.72);
    points.forEach((point, index) => {
      let base = 0;
      const group = svgEl('g');
      for (const layer of layers) {
        const value = valueOf(layer, point);
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
  const lines = layers.filter((layer) => !hideZero || layer.value(point) !== 0)
    .map((layer) => `${layer.name}: ${format(layer.value(point))}${unit}`);
  const extra = note ? note(point) : '';
  return `${bucketTitle(point.start, bucket)}\n${lines.join('\n')}${extra ? `\n${extra}` : ''}`;
}

export function legend(container, layers) {
  container.replaceChildren(...layers.map((layer) => {
    const swatch = el('i');
    swatch.style.background = layer.color;
    return el('span', {}, swatch, layer.name);
  }));
}

export function renderTimeCharts() {
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

  // p95 latency per bucket (the API's p95_execution_time_ms; null where a bucket has no duration).
  const hasLatency = series.points.some((point) => point.p95_execution_time_ms !== undefined);
  const latencyLayers = [{ name: 'p95', color: LATENCY_COLOR, value: (point) => point.p95_execution_time_ms ?? null }];
  drawTimeChart($('chart-latency'), series.points, series.bucket, latencyLayers, {
    line: true, format: duration, axis: () => duration, wholeTicks: false,
    note: (point) => (point.p50_execution_time_ms === null || point.p50_execution_time_ms === undefined ? ''
      : `p50: ${duration(point.p50_execution_time_ms)} · ${count(point.executions)} executions`),
    empty: hasLatency ? 'No durations in this range.' : 'This server does not give latency over time.',
  });
  $('legend-latency').textContent = hasLatency ? 'p95 execution time' : '';
}

// The known cost per bucket, stacked by provider or by model; the unpriced executions are named in the tooltip.
export function renderCostChart() {
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

// Every chart says "no data" (a load under new filters failed: the old charts would not be theirs).
// The charts over time (drawn from the time series).
export function clearTimeCharts(message) {
  for (const id of ['chart-executions', 'chart-tokens', 'chart-cost', 'chart-errors', 'chart-latency']) {
    $(id).replaceChildren(el('div', { className: 'empty', text: message }));
  }
  for (const id of ['legend-executions', 'legend-tokens', 'legend-cost', 'legend-errors', 'legend-latency']) $(id).replaceChildren();
}

// The bars by provider, usage type and model (drawn from the stats, as the cards are).
export function clearBars(message) {
  for (const id of ['chart-providers', 'chart-cost-models', 'chart-usage-types']) {
    $(id).replaceChildren(el('div', { className: 'empty', text: message }));
  }
}

import { expect } from 'chai';
import { barChart, escapeXml, lineChart, niceTicks, textWidth } from '../../../src/cli/bench/svg-chart.js';

function widths(svg: string): number[] {
  return [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="20"/g)].map((m) => Number(m[1]));
}

describe('bench: hand-written SVG charts', () => {
  it('draw bars in proportion, the largest of each group filling the plot, each group on its own scale', () => {
    const svg = barChart({
      title: 'W1',
      groups: [
        { name: 'postgres', bars: [{ label: 'raw', value: 1000, valueText: '1,000', tone: 'peer' }, { label: 'unipool', value: 500, valueText: '500', tone: 'ours' }] },
        { name: 'sqlite', bars: [{ label: 'raw', value: 8, valueText: '8', tone: 'peer' }] },
      ],
    });
    const [a, b, c] = widths(svg);
    expect(b! / a!).to.be.closeTo(0.5, 0.01);
    expect(c).to.equal(a);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
    expect(svg).to.include('<title>W1</title>');
    expect(svg).to.not.match(/<script|href=|@import/);
  });

  it('grow the canvas so the longest label, value and title stay inside it', () => {
    const valueText = '12,345 req/s, peak 10 in use, and a much longer note after it';
    const svg = barChart({ title: 'W2', groups: [{ name: 'postgres', bars: [{ label: 'unipool (request)', value: 10, valueText, tone: 'ours' }] }] });
    const width = Number(/viewBox="0 0 ([\d.]+) /.exec(svg)?.[1]);
    const valueX = Number(/<text x="([\d.]+)"[^>]*>12,345/.exec(svg)?.[1]);
    expect(valueX + textWidth(valueText, 12)).to.be.at.most(width);
  });

  it('draw an estimated bar hatched and outlined, and describe the chart with its caption', () => {
    const svg = barChart({
      title: 'W2 needed',
      caption: 'Hatched bars are estimates.',
      groups: [{ name: 'postgres', bars: [{ label: 'asap', value: 1, valueText: '1', tone: 'ours' }, { label: 'pg.Pool', value: 190, valueText: '≥ 190 (estimate)', tone: 'peer', estimate: true }] }],
    });
    expect(svg).to.include('<desc>Hatched bars are estimates.</desc>');
    expect(svg).to.include('<pattern id="hatch-peer"');
    expect(svg).to.match(/<rect [^>]*fill="url\(#hatch-peer\)" stroke="#9ca3af"[^>]*stroke-dasharray/);
    expect(svg).to.not.include('hatch-ours');
    expect(svg).to.include('>≥ 190 (estimate)</text>');
  });

  it('escape every label, so a name with <, & or quotes cannot break the markup', () => {
    const svg = barChart({ title: 'a < b & "c"', groups: [{ name: '<g>', bars: [{ label: 'x&y', value: 1, valueText: '1 < 2', tone: 'ours' }] }] });
    expect(svg).to.include('a &lt; b &amp; &quot;c&quot;');
    expect(svg).to.include('&lt;g&gt;');
    expect(svg).to.not.include('x&y');
    expect(escapeXml('<&>"')).to.equal('&lt;&amp;&gt;&quot;');
  });

  it('draw one polyline per series of a line chart, with its reference line and legend', () => {
    const svg = lineChart({
      title: 'W2',
      xLabel: 'max',
      yLabel: 'req/s',
      logX: true,
      series: [
        { name: 'asap', points: [{ x: 1, y: 2000 }, { x: 2, y: 3800 }] },
        { name: 'request', points: [{ x: 1, y: 19 }, { x: 2, y: 38 }, { x: 5, y: 95 }] },
      ],
      references: [{ y: 3700, label: '95 % of the bound' }],
    });
    expect(svg.match(/<polyline/g)).to.have.length(2);
    expect(svg.match(/<circle/g)).to.have.length(5);
    expect(svg).to.include('stroke-dasharray');
    expect(svg).to.include('>request</text>');
  });

  it('pick round axis ticks that cover the largest value', () => {
    expect(niceTicks(3846)).to.deep.equal([0, 1000, 2000, 3000, 4000]);
    expect(niceTicks(0.7)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0)).to.deep.equal([0]);
  });
});

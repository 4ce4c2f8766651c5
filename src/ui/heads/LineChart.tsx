import * as d3 from 'd3';
import { useEffect, useRef } from 'react';

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

interface Props {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  /** Fixed y range (e.g. [0, 1] for accuracy); else from the data. */
  yDomain?: [number, number];
  xTicks?: number[];
  /** A point to mark (e.g. the best cell). */
  mark?: { x: number; y: number } | undefined;
  testId?: string;
}

const W = 340;
const H = 200;
const M = { top: 10, right: 12, bottom: 34, left: 46 };

/** A small d3 line chart (SVG) with a legend; redrawn when the data changes. */
export function LineChart({ title, series, xLabel, yLabel, yDomain, xTicks, mark, testId }: Props) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const svg = d3.select(ref.current);
    svg.selectAll('*').remove();
    const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
    if (!all.length) return;
    const x = d3
      .scaleLinear()
      .domain(d3.extent(all, (p) => p.x) as [number, number])
      .range([M.left, W - M.right]);
    if (x.domain()[0] === x.domain()[1]) x.domain([x.domain()[0]! - 1, x.domain()[1]! + 1]);
    const y = d3
      .scaleLinear()
      .domain(yDomain ?? (d3.extent(all, (p) => p.y) as [number, number]))
      .nice()
      .range([H - M.bottom, M.top]);
    const xAxis = d3.axisBottom(x).ticks(6);
    if (xTicks) xAxis.tickValues(xTicks).tickFormat(d3.format('d'));
    svg
      .append('g')
      .attr('transform', `translate(0,${H - M.bottom})`)
      .call(xAxis);
    svg.append('g').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(5));
    svg
      .append('text')
      .attr('x', (M.left + W - M.right) / 2)
      .attr('y', H - 4)
      .attr('text-anchor', 'middle')
      .attr('class', 'chart-label')
      .text(xLabel);
    svg
      .append('text')
      .attr('transform', `translate(12,${(M.top + H - M.bottom) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('class', 'chart-label')
      .text(yLabel);
    const line = d3
      .line<{ x: number; y: number }>()
      .defined((p) => Number.isFinite(p.y))
      .x((p) => x(p.x))
      .y((p) => y(p.y));
    for (const s of series) {
      svg
        .append('path')
        .datum(s.points)
        .attr('fill', 'none')
        .attr('stroke', s.color)
        .attr('stroke-width', 2)
        .attr('d', line);
      svg
        .append('g')
        .selectAll('circle')
        .data(s.points.filter((p) => Number.isFinite(p.y)))
        .join('circle')
        .attr('cx', (p) => x(p.x))
        .attr('cy', (p) => y(p.y))
        .attr('r', 2.5)
        .attr('fill', s.color);
    }
    if (mark) {
      svg
        .append('circle')
        .attr('cx', x(mark.x))
        .attr('cy', y(mark.y))
        .attr('r', 6)
        .attr('fill', 'none')
        .attr('stroke', '#fbbf24')
        .attr('stroke-width', 2);
    }
  }, [series, xLabel, yLabel, yDomain, xTicks, mark]);
  return (
    <figure className="heads-chart" data-testid={testId}>
      <figcaption>
        {title}{' '}
        {series.map((s) => (
          <span key={s.name} className="legend" style={{ color: s.color }}>
            ● {s.name}
          </span>
        ))}
      </figcaption>
      <svg
        ref={ref}
        width={W}
        height={H}
        role="img"
        aria-label={`${title}: ${yLabel} against ${xLabel}`}
      />
    </figure>
  );
}

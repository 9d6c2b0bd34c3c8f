import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  readonly dash?: number[];
}

interface Props {
  readonly title: string;
  readonly x: readonly number[];
  readonly xLabel: string;
  readonly series: readonly ChartSeries[];
  readonly yRange?: [number, number];
  readonly xRange?: [number, number];
  readonly height?: number;
  /** Show uPlot's legend (series names and values under the cursor). Default: when there are several series. */
  readonly legend?: boolean;
}

/** A uPlot line chart that follows its container's width. */
export function Chart({ title, x, xLabel, series, yRange, xRange, height = 200, legend = series.length > 1 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height,
      legend: { show: legend },
      scales: {
        x: { time: false, ...(xRange ? { range: xRange } : {}) },
        y: yRange ? { range: yRange } : {},
      },
      axes: [{ label: xLabel }, {}],
      series: [
        { label: xLabel },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, ...(s.dash ? { dash: s.dash } : {}) })),
      ],
    };
    const p = new uPlot(opts, [[], ...series.map(() => [])] as uPlot.AlignedData, el);
    plot.current = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(240, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series change, not on each data update.
  }, [shape, height, xLabel, legend, xRange?.[0], xRange?.[1]]);

  useEffect(() => {
    plot.current?.setData([x as number[], ...series.map((s) => s.values as (number | null)[])] as uPlot.AlignedData);
  }, [x, series]);

  return (
    <figure className="chart" aria-label={title} style={{ margin: 0 }} data-x-range={xRange?.join('-')}>
      <h3>{title}</h3>
      <div ref={box} />
    </figure>
  );
}

// Issue 13.4: a time chart of the cockpit's history, drawn with uPlot (small, maintained, canvas: no inline
// style attributes, so it lives under the strict CSP). The figures are also given as text for screen readers.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type HealthSeries = { label: string; color: string; values: number[] };

export const HealthChart = ({
  title,
  times,
  series,
  summary,
  spanSeconds,
}: {
  title: string;
  /** The x axis ends now and starts this long before, however few points there are. */
  spanSeconds: number;
  /** Seconds since the epoch, one per point. */
  times: number[];
  series: HealthSeries[];
  summary: string;
}) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(260, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 200,
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            // Sparse series (a month by day, a fresh install) show their points, or a lone value is invisible.
            points: { show: times.length < 40, size: 6 },
          })),
        ],
        axes: [{}, { size: 40 }],
        scales: {
          x: { time: true, range: () => [Date.now() / 1000 - spanSeconds, Date.now() / 1000] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        legend: { live: false },
      },
      [times, ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 200 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, spanSeconds]);
  return (
    <figure className="health-chart">
      <figcaption>
        <span className="health-chart__title">{title}</span>
        <span className="visually-hidden">{summary}</span>
      </figcaption>
      {times.length === 0 ? (
        <p className="health-chart__empty">No samples yet: the worker counts mail every minute.</p>
      ) : (
        <div ref={box} className="health-chart__plot" aria-hidden="true" />
      )}
    </figure>
  );
};

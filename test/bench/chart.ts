// The bench's cost curve as an SVG line chart: seconds per volume (y) against the number of
// volumes (x), one line per operation. Pure: text in, text out.

export interface CurveSeries {
    /** e.g. "up". */
    name: string;
    /** [volumes, seconds per volume], by increasing volumes. */
    points: ReadonlyArray<readonly [number, number]>;
}

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 60, right: 130, top: 30, bottom: 50 };
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, at least `value`. */
export function niceCeiling(value: number): number {
    if (value <= 0) {
        return 1;
    }
    const power = 10 ** Math.floor(Math.log10(value));
    return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value)!;
}

export function curveChart(title: string, series: readonly CurveSeries[]): string {
    const xs = series.flatMap((line) => line.points.map(([x]) => x));
    const ys = series.flatMap((line) => line.points.map(([, y]) => y));
    const xMax = niceCeiling(Math.max(1, ...xs));
    const yMax = niceCeiling(Math.max(0, ...ys));
    const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (value: number) => (MARGIN.left + (value / xMax) * plotWidth).toFixed(1);
    const y = (value: number) => (MARGIN.top + plotHeight - (value / yMax) * plotHeight).toFixed(1);
    const ticks = [0, 0.25, 0.5, 0.75, 1];
    const grid = ticks.map((tick) => {
        const value = tick * yMax;
        return `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/><text x="${MARGIN.left - 8}" y="${y(value)}" text-anchor="end" dominant-baseline="middle">${+value.toFixed(2)}</text>`;
    });
    const xTicks = ticks.map((tick) => `<text x="${x(tick * xMax)}" y="${MARGIN.top + plotHeight + 20}" text-anchor="middle">${+(tick * xMax).toFixed(1)}</text>`);
    const lines = series.map((line, index) => {
        const colour = COLOURS[index % COLOURS.length];
        const path = line.points.map(([px, py]) => `${x(px)},${y(py)}`).join(" ");
        const dots = line.points.map(([px, py]) => `<circle cx="${x(px)}" cy="${y(py)}" r="3" fill="${colour}"/>`).join("");
        const legendY = MARGIN.top + 20 * index;
        return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${path}"/>${dots}` +
            `<line x1="${WIDTH - MARGIN.right + 15}" x2="${WIDTH - MARGIN.right + 35}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>` +
            `<text x="${WIDTH - MARGIN.right + 40}" y="${legendY}" dominant-baseline="middle">${escape(line.name)}</text>`;
    });
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
        `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
        `<text x="${MARGIN.left}" y="18" font-size="14">${escape(title)}</text>`,
        ...grid,
        ...xTicks,
        `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle">volumes in the stack</text>`,
        `<text x="15" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 15 ${MARGIN.top + plotHeight / 2})">seconds per volume</text>`,
        ...lines,
        "</svg>",
        "",
    ].join("\n");
}

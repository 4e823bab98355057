import assert from "node:assert/strict";
import { curveChart, niceCeiling } from "./chart";

describe("bench chart", () => {
    it("rounds an axis up to 1, 2 or 5 times a power of ten", () => {
        assert.deepEqual([0, 0.3, 1, 1.2, 3, 7, 10, 26, 51].map(niceCeiling), [1, 0.5, 1, 2, 5, 10, 10, 50, 100]);
    });

    it("draws one line per series with its points in place, and escapes names", () => {
        const svg = curveChart("cost <per> volume", [
            { name: "up", points: [[1, 10], [50, 5]] },
            { name: "a&b", points: [[1, 0], [50, 10]] },
        ]);
        // x: 60 + v/50 * 450; y: 30 + 320 - s/10 * 320.
        assert.match(svg, /<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="69\.0,30\.0 510\.0,190\.0"\/>/);
        assert.match(svg, /<polyline fill="none" stroke="#d62728" stroke-width="2" points="69\.0,350\.0 510\.0,30\.0"\/>/);
        assert.match(svg, />cost &lt;per&gt; volume</);
        assert.match(svg, />a&amp;b</);
        assert.equal(svg.match(/<circle /g)?.length, 4);
    });
});

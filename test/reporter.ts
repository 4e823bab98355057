// Mocha's spec output plus a closing line in the form CI reads: "mocha: N passed, N failed, N skipped".
import * as Mocha from "mocha";

class SpecWithSummary extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const s = runner.stats;
            if (!s) return;
            console.log(`mocha: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
        });
    }
}

export = SpecWithSummary;

// Runs the lab stack through the real engine: `node bin/stacks/lab/deploy.js [up|preview|refresh|destroy]`,
// inside the lab's network namespace (npm run lab:deploy does that). State and its passphrase live
// in .lab/pulumi, beside the lab they describe.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { closeAll } from "../../components";
import { inlineStack, repoRoot } from "../engine";
import { loadLab } from "./lab";
import { labProgram } from "./program";

const operations = ["up", "preview", "refresh", "destroy"] as const;
type Operation = (typeof operations)[number];

function passphrase(stateDir: string): string {
    const file = path.join(stateDir, "passphrase");
    if (!existsSync(file)) {
        mkdirSync(stateDir, { recursive: true });
        writeFileSync(file, randomBytes(24).toString("hex"), { mode: 0o600 });
    }
    return readFileSync(file, "utf8");
}

async function main(operation: Operation): Promise<void> {
    const lab = loadLab();
    const stateDir = path.join(repoRoot, ".lab/pulumi");
    const { stack } = await inlineStack({
        stackName: "lab",
        projectName: "pulumi-gluster",
        program: async () => labProgram(lab),
        stateDir,
        passphrase: passphrase(stateDir),
    });
    const onOutput = (out: string) => process.stdout.write(out);
    const started = Date.now();
    switch (operation) {
        case "up": {
            const { outputs } = await stack.up({ onOutput });
            for (const [name, output] of Object.entries(outputs)) {
                console.log(`${name}: mount with 'mount -t glusterfs ${output.value} <dir>'`);
            }
            break;
        }
        case "preview":
            await stack.preview({ onOutput, diff: true });
            break;
        case "refresh":
            await stack.refresh({ onOutput });
            break;
        case "destroy":
            await stack.destroy({ onOutput });
            break;
    }
    console.log(`lab stack: ${operation} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const operation = (process.argv[2] ?? "up") as Operation;
if (!operations.includes(operation)) {
    console.error(`usage: deploy.js ${operations.join("|")}`);
    process.exit(2);
}
main(operation)
    .catch((error: Error) => {
        console.error(error.message);
        process.exitCode = 1;
    })
    .finally(() => closeAll());

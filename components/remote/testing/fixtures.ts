import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

// Tests run from the compiled bin/ tree, but fixtures live beside the sources.
function packageRoot(): string {
    let directory = __dirname;
    while (!existsSync(path.join(directory, "package.json"))) {
        const parent = path.dirname(directory);
        if (parent === directory) {
            throw new Error(`no package.json above ${__dirname}`);
        }
        directory = parent;
    }
    return directory;
}

/** Reads a captured command output from components/remote/testdata. */
export function readFixture(name: string): string {
    return readFileSync(path.join(packageRoot(), "components", "remote", "testdata", name), "utf8");
}

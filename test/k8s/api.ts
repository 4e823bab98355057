// The test API server (test/k8s/k8s.sh): its kubeconfig for Pulumi's Kubernetes provider, and a
// small admin client for checking what the server holds, independent of Pulumi.
import { readFileSync } from "node:fs";
import { request } from "node:https";
import * as path from "node:path";
import { repoRoot } from "../engine/engine";

const state = process.env.K8S_STATE ?? path.join(repoRoot, ".k8s");

export function kubeconfig(): string {
    return readFileSync(path.join(state, "kubeconfig"), "utf8");
}

export interface ApiResponse<T = Record<string, unknown>> {
    status: number;
    body: T;
}

/** A GET (or other method, with a JSON body: a merge patch for PATCH) on the API server as its admin. */
export async function api<T = Record<string, any>>(apiPath: string, method = "GET", body?: unknown): Promise<ApiResponse<T>> {
    const pki = (file: string) => readFileSync(path.join(state, "pki", file));
    const port = Number(readFileSync(path.join(state, "api-port"), "utf8").trim());
    return new Promise((resolve, reject) => {
        const req = request(
            {
                host: "127.0.0.1",
                port,
                path: apiPath,
                method,
                ca: pki("ca.crt"),
                cert: pki("admin.crt"),
                key: pki("admin.key"),
                timeout: 30_000,
                headers: body === undefined ? {} : { "Content-Type": method === "PATCH" ? "application/merge-patch+json" : "application/json" },
            },
            (res) => {
                let text = "";
                res.setEncoding("utf8").on("data", (chunk) => (text += chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as T) : ({} as T) }));
            },
        );
        req.on("timeout", () => req.destroy(new Error(`${method} ${apiPath}: no answer in 30 s`)));
        req.on("error", reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
    });
}

/** The server's version, e.g. "v1.34.10". */
export async function serverVersion(): Promise<string> {
    return String((await api("/version")).body.gitVersion);
}

/** Polls `apiPath` until `done(body)` holds; fails after `limitMs` with the last body seen. */
export async function waitForObject(apiPath: string, what: string, done: (body: Record<string, any>, status: number) => boolean, limitMs = 60_000): Promise<Record<string, any>> {
    const deadline = performance.now() + limitMs;
    for (;;) {
        const { status, body } = await api(apiPath);
        if (done(body, status)) {
            return body;
        }
        if (performance.now() > deadline) {
            throw new Error(`${what}: not within ${limitMs / 1000} s; last seen (${status}): ${JSON.stringify(body).slice(0, 800)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}

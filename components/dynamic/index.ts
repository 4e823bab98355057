export * from "./shim";
export * from "./diff";
export * from "./secrets";
export * from "./engine-watch";

export * from "./shim";
export * from "./diff";

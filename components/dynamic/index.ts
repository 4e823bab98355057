export * from "./shim";

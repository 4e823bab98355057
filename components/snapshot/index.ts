export * from "./commands";
export * from "./snapshot";

export * from "./node";
export * from "./commands";

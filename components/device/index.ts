export * from "./device";
export * from "./commands";
export * from "./validation";

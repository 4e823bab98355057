export * from "./node";
export * from "./commands";
export * from "./bootstrap";
export * from "./bootstrap-commands";

export * from "./sizes";

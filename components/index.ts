export * from "./remote";

export * from "./remote";
export * from "./sizes";
export * from "./placement";

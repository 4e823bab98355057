export * from "./remote";
export * from "./sizes";
export * from "./placement";
export * from "./dynamic";
export * from "./cluster";
export * from "./node";
export * from "./device";
export * from "./volume";

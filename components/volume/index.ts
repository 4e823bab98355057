export * from "./commands";
export * from "./inputs";
export * from "./volume";

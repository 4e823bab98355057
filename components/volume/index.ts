export * from "./commands";
export * from "./inputs";
export * from "./presets";
export * from "./volume";

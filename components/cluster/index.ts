export * from "./topology";
export * from "./validation";
export * from "./cluster";
export * from "./heketi-topology";

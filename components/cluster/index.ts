export * from "./args";
export * from "./validation";
export * from "./cluster";
export * from "./heketi-topology";

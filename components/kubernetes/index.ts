export * from "./manifests";
export * from "./host-mount";
export * from "./persistent-volume";

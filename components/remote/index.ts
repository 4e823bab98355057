export * from "./quote";
export * from "./executor";
export * from "./host-lock";
export * from "./retry";
export * from "./gluster";
export * from "./lvm";
export * from "./fstab";
export * from "./mount";

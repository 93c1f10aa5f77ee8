// The library bundle's entry (dist-web/tab86.js): the <tab86-machine> element and the JS API.
export { Tab86, LINUX_APPEND, ImageError } from "./api.js";
export type { MachineConfig, MachineState, Status, ImageFile, ImageKind } from "./api.js";
export { Tab86Element } from "./element.js";
export { keyDown, keyUp, KNOWN_CODES, SPECIAL_KEYS } from "./keyboard.js";

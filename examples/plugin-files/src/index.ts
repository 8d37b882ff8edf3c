export { createFilesPlugin } from "./files-plugin.js";
export { PathRefusal } from "./confined-path.js";

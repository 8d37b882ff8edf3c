export { createFilesPlugin, FileTools, filesConfigSchema } from "./files-plugin.js";
export { PathRefusal } from "./confined-path.js";

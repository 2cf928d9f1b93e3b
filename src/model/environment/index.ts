/*
 * The environment model: what a container holds (image, packages with their origin, files at
 * container paths, `sys.path`, working directory, and what an unreadable step may change), and what
 * the deploying machine runs (project root, its `sys.path`, the packages the project declares).
 * Every rule that asks "is this module, package or file there?" asks here. Not to be confused with
 * `../environment.ts`, which reads environment variables.
 */
export { imageSourceOf, imageLabel, chainKey, type ImageSource } from './image-source.js';
export {
  imageContents, imageProvides, distributionFor, projectFile, DEFAULT_PACKAGE_SETTINGS,
  type ImageContents, type PackageSettings, type ShippedPath,
} from './image-contents.js';
export {
  containerOf, containerPathOf, containerPathPresence, entryLayout, importingContainers, isSerialized, mayImportProjectModule,
  moduleContainers, shippedModulePresence, shipsLocalFiles, type Container, type EntryLayout, type Presence,
} from './container.js';
export { deploySysPath, sysPathAdditions } from './deploy-machine.js';
export { pathExpressionValue } from './path-values.js';
export { deployMachineOf, isProjectModule, localModulePath, locallyDeclaredModules, projectModuleOf, type DeployMachine, type ProjectModule } from './deploy-machine.js';
export { legacyMountsOf, usesLegacyMounts, type MountedFile } from './legacy-mounts.js';

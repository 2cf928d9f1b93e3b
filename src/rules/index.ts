import type { Rule } from './types.js';
import addLocalNotLast from './add-local-not-last.js';
import appMissingName from './app-missing-name.js';
import dictNestedAssignment from './dict-nested-assignment.js';
import gpuMissingCudaCheck from './gpu-missing-cuda-check.js';
import heavyImportAtModuleLevel from './heavy-import-at-module-level.js';
import isLocalSecretsMismatch from './is-local-secrets-mismatch.js';
import kebabCaseName from './kebab-case-name.js';
import minContainersWithGpu from './min-containers-with-gpu.js';
import modelLoadInMethod from './model-load-in-method.js';
import missingHealthRoute from './missing-health-route.js';
import secretOverridesEnv from './secret-overrides-env.js';
import serializedWebEndpoint from './serialized-web-endpoint.js';
import isLocalUndefinedRemote from './is-local-undefined-remote.js';
import unguardedLocalIo from './unguarded-local-io.js';
import fromLocalEnvironInWeb from './from-local-environ-in-web.js';
import invalidGpuSpec from './invalid-gpu-spec.js';
import invalidAutoscalerSettings from './invalid-autoscaler-settings.js';
import invalidVolumeMountPath from './invalid-volume-mount-path.js';
import invalidObjectName from './invalid-object-name.js';
import invalidArgumentType from './invalid-argument-type.js';
import invalidClassParameter from './invalid-class-parameter.js';
import decoratorMisuse from './decorator-misuse.js';
import webEndpointSignature from './web-endpoint-signature.js';
import moduleLevelRemoteCall from './module-level-remote-call.js';
import unconsumedMap from './unconsumed-map.js';
import removedApi from './removed-api.js';
import unknownModalApi from './unknown-modal-api.js';
import invalidImageSpec from './invalid-image-spec.js';
import deprecatedApi from './deprecated-api.js';
import hardcodedSecret from './hardcoded-secret.js';
import syntaxError from './syntax-error.js';
import missingImagePackage from './missing-image-package.js';
import localModuleNotInImage from './local-module-not-in-image.js';
import cudaWithoutGpu from './cuda-without-gpu.js';
import unknownRemoteReference from './unknown-remote-reference.js';
import invalidRemoteCall from './invalid-remote-call.js';
import duplicateAppName from './duplicate-app-name.js';
import snakeCaseFileName from './snake-case-file-name.js';

/** Every rule that reads the Modal model, in the order of the rule table. */
export const RULES: readonly Rule[] = [
  isLocalSecretsMismatch,
  heavyImportAtModuleLevel,
  missingImagePackage,
  localModuleNotInImage,
  missingHealthRoute,
  kebabCaseName,
  appMissingName,
  minContainersWithGpu,
  modelLoadInMethod,
  gpuMissingCudaCheck,
  serializedWebEndpoint,
  secretOverridesEnv,
  addLocalNotLast,
  dictNestedAssignment,
  isLocalUndefinedRemote,
  unguardedLocalIo,
  fromLocalEnvironInWeb,
  invalidGpuSpec,
  invalidAutoscalerSettings,
  invalidVolumeMountPath,
  invalidImageSpec,
  invalidObjectName,
  invalidArgumentType,
  invalidClassParameter,
  decoratorMisuse,
  webEndpointSignature,
  moduleLevelRemoteCall,
  unconsumedMap,
  removedApi,
  unknownModalApi,
  deprecatedApi,
  hardcodedSecret,
  cudaWithoutGpu,
  unknownRemoteReference,
  invalidRemoteCall,
  duplicateAppName,
  snakeCaseFileName,
  syntaxError,
] as Rule[];

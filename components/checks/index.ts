// The ground floor of input checks: pure and importing no other folder of the package, so
// placement and every resource can use it (the preview summary reads unknown.ts alone).
export { describeFailure, type ValidationFailure } from "./failure";
export {
    fieldPath,
    firstRepeats,
    hasUnnormalizedSegment,
    isRecord,
    isUnknownInput,
    quoteValue,
    validateHost,
    validateNodeName,
    validateOptionalBoolean,
} from "./inputs";
export { glusterNameFrom } from "./names";
export { UNKNOWN } from "./unknown";

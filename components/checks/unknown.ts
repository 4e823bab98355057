// The engine's marker for a value not known during a preview, in one place. Kept apart from the
// checks so the preview CLI can read it without loading @pulumi/pulumi.

/** What the engine sends (a dynamic provider's inputs, preview JSON) for a value known only after apply. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

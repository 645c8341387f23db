/** Generated at build time by scripts/build.mjs from schema/case.schema.json (ajv standalone code). */
export interface GeneratedValidationError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
declare const validate: ((data: unknown) => boolean) & { errors?: GeneratedValidationError[] | null };
export default validate;

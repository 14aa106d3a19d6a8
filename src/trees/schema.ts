/**
 * The shape of one tree file (`trees/*.yaml`), as a zod schema. The loader validates with it and
 * `scripts/schemas.mjs` publishes it as `schemas/tree.schema.json` for editors.
 * Objects are strict: an unknown key is almost always a typo (`promt:`), and silently ignoring it
 * would drop a question's text or a branch.
 */
import * as z from "zod";

export const TREE_MODES = ["plan", "troubleshoot"] as const;
export const INPUT_KINDS = [
  "identifier",
  "table",
  "sql_type",
  "sql_default",
  "sql_expression",
  "version",
  "integer",
  "text",
] as const;

const COMBINATORS = ["all", "any", "not"];

export const nodeIdSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "a node id: letters, digits, _ and -, starting with a letter")
  .describe("A node id, unique across all tree files.");

export const answerPathSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|\d+))*$/,
    "an answer path such as table, details.new_name or columns.0.type",
  )
  .describe("Where the answer is stored: dots separate keys, numbers index lists (columns.0.name).");

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const versionSchema = z.string().regex(/^\d+(\.\d+){0,2}$/, 'a version such as "11", "14.4" or "8.0.29" (quote it)');

// One flat union (scalars not nested) so an error names the closest form, e.g. `in` needing a list.
export const conditionValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.object({ in: z.array(scalarSchema).min(1) }).strict(),
  z.object({ not_in: z.array(scalarSchema).min(1) }).strict(),
  z.object({ exists: z.boolean() }).strict(),
  z.object({ lt: z.number() }).strict(),
  z.object({ gte: z.number() }).strict(),
  z.object({ version_lt: versionSchema }).strict(),
  z.object({ version_gte: versionSchema }).strict(),
]);

const conditionKeySchema = answerPathSchema.refine((k) => !COMBINATORS.includes(k), {
  message: "all, any and not combine conditions and cannot be answer paths",
});

/** `{operation: add_column}`, `{approx_rows: {gte: 10000}}`, or `all` / `any` / `not` of conditions. */
export const conditionSchema: z.ZodType<unknown> = z
  .union([
    z
      .object({
        get all() {
          return z.array(conditionSchema).min(1);
        },
      })
      .strict(),
    z
      .object({
        get any() {
          return z.array(conditionSchema).min(1);
        },
      })
      .strict(),
    z
      .object({
        get not() {
          return conditionSchema;
        },
      })
      .strict(),
    z
      .record(conditionKeySchema, conditionValueSchema)
      .refine((o) => Object.keys(o).length > 0, { message: "an empty condition: name at least one answer path" }),
  ])
  .meta({ id: "Condition", description: "Holds when every listed answer path matches; all/any/not combine conditions." });

const choiceSchema = z
  .object({
    value: scalarSchema.describe("The value stored at the node's answer path."),
    label: z.string().min(1).describe("What the user sees."),
    hint: z.string().min(1).optional().describe("A short note shown when this choice is focused."),
    next: nodeIdSchema.optional().describe("Where to go after this choice; defaults to the node's next."),
    set: z.record(answerPathSchema, z.unknown()).optional().describe("Further answers this choice sets."),
    when: conditionSchema.optional().describe("Only offered when this holds."),
    match: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Regular expressions (case-insensitive) that pick this choice from a pasted error message."),
  })
  .strict();

const questionFields = {
  id: nodeIdSchema,
  when: conditionSchema.optional().describe("Ask this node only when the condition holds; otherwise go to next."),
  prompt: z.string().min(1).describe("The question."),
  help: z.string().min(1).describe("Why the question matters: shown on `?`."),
  answer: answerPathSchema,
  next: nodeIdSchema.optional().describe("The node after this one."),
};

const choiceNodeSchema = z
  .object({
    type: z.literal("choice"),
    ...questionFields,
    choices: z.array(choiceSchema).min(1),
  })
  .strict();

const inputNodeSchema = z
  .object({
    type: z.literal("input"),
    ...questionFields,
    input: z.enum(INPUT_KINDS).describe("How the typed text is validated."),
    placeholder: z.string().optional(),
    optional: z.boolean().optional().describe("An empty answer is allowed (the key is left unset)."),
    route_by_match: z
      .boolean()
      .optional()
      .describe(
        "Match the confirmed text against the match patterns of the choices ahead and fill in the answers a match implies, skipping the questions they settle.",
      ),
  })
  .strict();

const endNodeSchema = z
  .object({
    type: z.literal("end"),
    id: nodeIdSchema,
    when: conditionSchema.optional(),
    outcome: z
      .string()
      .regex(/^(plan|diagnosis:[A-Za-z0-9_-]+)$/, 'the outcome: "plan" or "diagnosis:<id>"')
      .describe('"plan" or "diagnosis:<id>".'),
  })
  .strict();

export const treeNodeSchema = z.discriminatedUnion("type", [choiceNodeSchema, inputNodeSchema, endNodeSchema]);

export const treeFileSchema = z
  .object({
    title: z.string().min(1).describe("The tree's name, shown to users."),
    description: z.string().optional(),
    entry: z.enum(TREE_MODES).optional().describe("This file's first node is where this mode starts."),
    nodes: z.array(treeNodeSchema).min(1),
  })
  .strict()
  .describe("A migration-wizard decision tree");

export type TreeFileInput = z.infer<typeof treeFileSchema>;
export type TreeNodeInput = z.infer<typeof treeNodeSchema>;

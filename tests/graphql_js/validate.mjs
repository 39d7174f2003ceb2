// Check a schema and operations with graphql-js, as GraphQL tooling does.
// stdin: {"sdl": "...", "operations": [{"name": "...", "query": "..."}]}
// stdout: {"version": "...", "schemaErrors": [...], "operations": {name: [messages]}}
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

// GRAPHQL_JS_DIR: the folder whose node_modules holds graphql (npm install --prefix DIR graphql@16)
const require = createRequire(process.env.GRAPHQL_JS_DIR + "/package.json");
const { buildSchema, parse, validate, validateSchema, version } = require("graphql");

const input = JSON.parse(readFileSync(0, "utf8"));
const schema = buildSchema(input.sdl);
const out = { version, schemaErrors: validateSchema(schema).map((e) => e.message), operations: {} };
for (const op of input.operations) {
  try {
    out.operations[op.name] = validate(schema, parse(op.query)).map((e) => e.message);
  } catch (e) {
    out.operations[op.name] = [String(e.message || e)];
  }
}
process.stdout.write(JSON.stringify(out));

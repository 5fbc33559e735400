// Writes apps/api/schema.graphql (the web app's codegen input): `npm run schema:emit -w @tidings/api`.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { printApiSchema } from "./schema.ts";

export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../schema.graphql");

fs.writeFileSync(SCHEMA_FILE, await printApiSchema());
console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);

import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { finishOpenApiDocument, operationIdFor } from "@/core/http/openapi";
import { createTestApp, type TestApp } from "../support/app";

/**
 * The OpenAPI document clients are generated from: 3.1, every operation named once and for good
 * (the names are pinned in operation-ids.txt: a renamed operation breaks generated clients), every
 * security scheme it names defined, `servers` where the API is reached.
 *
 * After adding routes: `UPDATE_OPERATION_IDS=1 bun test test/contract/openapi-document.test.ts`
 * appends their names to the list; review the diff (a change to an existing line is a rename).
 */
const LIST = join(import.meta.dir, "operation-ids.txt");
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

let t: TestApp;
let doc: any;

beforeAll(async () => {
  t = await createTestApp();
  doc = await (await t.request("http://admin.example.test/api/v1/openapi.json")).json();
}, 30_000);
afterAll(() => t.close());

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] })),
  );

test("the document is OpenAPI 3.1, with no 3.0-only `nullable`", () => {
  expect(doc.openapi).toBe("3.1.0");
  expect(JSON.stringify(doc)).not.toContain('"nullable"');
  // a nullable field is a type union
  expect(doc.components.schemas.Menu.properties.parent_id.type).toEqual(["integer", "null"]);
});

test("every operation has a readable operationId, unique, and as pinned in operation-ids.txt", async () => {
  const ops = operations();
  const ids = ops.map((o) => o.op.operationId);
  for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ops.find((o) => o.path === "/api/v1/system/user/list")?.op.operationId).toBe("systemUserList");

  const current = ops.map((o) => `${o.method.toUpperCase()} ${o.path} ${o.op.operationId}`);
  const file = Bun.file(LIST);
  const pinned = (await file.exists()) ? (await file.text()).split("\n").filter(Boolean) : [];
  if (process.env.UPDATE_OPERATION_IDS) {
    const route = (line: string) => line.split(" ").slice(0, 2).join(" ");
    const kept = pinned.filter(
      (line) => current.includes(line) || !current.some((c) => route(c) === route(line)),
    );
    const added = current.filter((line) => !kept.includes(line));
    await Bun.write(LIST, `${[...kept, ...added].sort().join("\n")}\n`);
    return;
  }
  expect({ missingFromList: current.filter((l) => !pinned.includes(l)) }).toEqual({ missingFromList: [] });
  expect({ goneOrRenamed: pinned.filter((l) => !current.includes(l)) }).toEqual({ goneOrRenamed: [] });
});

test("operationIds come from the path: literal segments camel-cased, parameters left out", () => {
  expect(operationIdFor("get", "/api/v1/system/user/detail/{id}")).toBe("systemUserDetail");
  expect(operationIdFor("post", "/api/v1/task/workflow/node-type/create")).toBe("taskWorkflowNodeTypeCreate");
  expect(operationIdFor("get", "/api/v1/monitor/cache/get/names")).toBe("monitorCacheNames"); // an override
  // paths that differ only in a parameter: the GET keeps the plain name, the others get their method
  const finished = finishOpenApiDocument({
    paths: {
      "/api/v1/x/items": { get: { responses: {} } },
      "/api/v1/x/items/{id}": { delete: { responses: {} }, put: { responses: {} } },
    },
  }) as any;
  expect(finished.paths["/api/v1/x/items"].get.operationId).toBe("xItems");
  expect(finished.paths["/api/v1/x/items/{id}"].delete.operationId).toBe("xItemsDelete");
  expect(finished.paths["/api/v1/x/items/{id}"].put.operationId).toBe("xItemsPut");
  expect(finished.paths["/api/v1/x/items"].get.security).toEqual([]); // public unless guarded
});

test("every security scheme an operation names is defined; public operations say so", () => {
  const defined = new Set(Object.keys(doc.components.securitySchemes));
  expect([...defined].sort()).toEqual(["BearerAuth", "OAuth2PasswordBearer"]);
  for (const { path, method, op } of operations()) {
    expect({ path, method, security: Array.isArray(op.security) }).toEqual({ path, method, security: true });
    for (const requirement of op.security)
      for (const name of Object.keys(requirement)) expect(defined).toContain(name);
  }
  const login = doc.paths["/api/v1/system/auth/login"].post;
  expect(login.security).toEqual([]);
  expect(doc.paths["/api/v1/system/user/list"].get.security).toEqual([
    { OAuth2PasswordBearer: [] },
    { BearerAuth: [] },
  ]);
});

test("servers: the request's origin, or PUBLIC_URL when set", async () => {
  expect(doc.servers).toEqual([{ url: "http://admin.example.test", description: "hono-admin" }]);
  const pinned = await createTestApp({ PUBLIC_URL: "https://admin.example.com/" });
  try {
    const other = await (await pinned.request("http://10.0.0.5:8001/api/v1/openapi.json")).json();
    expect(other.servers).toEqual([{ url: "https://admin.example.com", description: "hono-admin" }]);
  } finally {
    await pinned.close();
  }
});

test("error responses are true: 401/403 only where guarded, 422/415 only with input/a body, the shared map everywhere", () => {
  const named = doc.components.responses as Record<string, any>;
  for (const name of ["BadRequest", "NotFound", "Conflict", "TooManyRequests", "InternalError"])
    expect(named[name].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/ErrorEnvelope",
    });
  const problems: string[] = [];
  for (const { path, method, op } of operations()) {
    const where = `${method.toUpperCase()} ${path}`;
    const statuses = Object.keys(op.responses);
    const guarded = op.security.length > 0;
    const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
    for (const s of ["401", "403"])
      if (statuses.includes(s) !== guarded)
        problems.push(`${where}: ${s} ${guarded ? "missing" : "declared"}`);
    if (statuses.includes("422") !== hasInput)
      problems.push(`${where}: 422 ${hasInput ? "missing" : "declared without input"}`);
    if (statuses.includes("415") !== (op.requestBody !== undefined))
      problems.push(`${where}: 415 ${op.requestBody ? "missing" : "declared without a body"}`);
    for (const [s, name] of Object.entries({
      400: "BadRequest",
      404: "NotFound",
      409: "Conflict",
      429: "TooManyRequests",
      500: "InternalError",
    }))
      if (
        op.responses[s]?.$ref !== `#/components/responses/${name}` &&
        op.responses[s]?.content?.["application/json"]?.schema?.$ref !== "#/components/schemas/ErrorEnvelope"
      )
        problems.push(`${where}: ${s} neither shared nor an envelope`);
  }
  expect(problems).toEqual([]);
  // a public route without input: no guard errors, no 422
  expect(Object.keys(doc.paths["/api/v1/common/health/"].get.responses).sort()).toEqual([
    "200",
    "400",
    "404",
    "409",
    "429",
    "500",
  ]);
});

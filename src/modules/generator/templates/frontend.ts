import type { ColumnModel, TableModel } from "./model";

/*
 * The SPA's files (FastapiAdmin's frontend/web, written as `frontend/src/…` like upstream's):
 * `api/<package>/<module>.ts` (the HTTP calls, shaped like the SPA's own api modules) and
 * `views/<package>/<module>/index.vue` (search, table, create/edit/detail dialog, batch status,
 * export, import). Element Plus components and the SPA's `request` helper; dictionaries are read
 * from the public /system/dict/data/info/{dict_type} endpoint.
 */

const q = (s: string) => JSON.stringify(s);
const sq = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

function tsType(c: ColumnModel): string {
  switch (c.kind) {
    case "int":
    case "bigint":
    case "float":
      return "number";
    case "bool":
      return "boolean";
    case "json":
      return "Record<string, unknown> | unknown[]";
    default:
      return "string";
  }
}

export function renderApi(m: TableModel): string {
  const P = m.pascal;
  const outCols = m.columns.filter((c) => !["created_id", "updated_id", "deleted_id"].includes(c.name));
  const formCols = m.columns.filter((c) => c.insert || c.edit);
  const queryCols = m.columns.filter((c) => c.query);
  const audit = m.has.audit
    ? `
  created_id?: number;
  created_by?: { id: number; name: string } | null;
  updated_id?: number;
  updated_by?: { id: number; name: string } | null;`
    : "";
  const child = m.child ? `\n  ${m.child.listField}?: ${m.child.model.pascal}Table[];` : "";
  return `import request from "@utils/http";
${m.child ? `import type { ${m.child.model.pascal}Table } from "./${m.child.model.moduleName}";\n` : ""}
/* ${m.label} (${m.tableName}): written by the code generator. */

const API_PATH = ${q(m.mountPath)};

const ${P}API = {
  get${P}List(query: ${P}PageQuery) {
    return request<ApiResponse<PageResult<${P}Table>>>({ url: \`\${API_PATH}/list\`, method: "get", params: query });
  },

  get${P}Detail(id: number) {
    return request<ApiResponse<${P}Table>>({ url: \`\${API_PATH}/detail/\${id}\`, method: "get" });
  },

  create${P}(body: ${P}Form) {
    return request<ApiResponse<${P}Table>>({ url: \`\${API_PATH}/create\`, method: "post", data: body });
  },

  update${P}(id: number, body: ${P}Form) {
    return request<ApiResponse<${P}Table>>({ url: \`\${API_PATH}/update/\${id}\`, method: "put", data: body });
  },

  delete${P}(ids: number[]) {
    return request<ApiResponse>({ url: \`\${API_PATH}/delete\`, method: "delete", data: ids });
  },
${
  m.has.status
    ? `
  batch${P}(body: { ids: number[]; status: string }) {
    return request<ApiResponse>({ url: \`\${API_PATH}/available/setting\`, method: "patch", data: body });
  },
`
    : ""
}
  /** Filters go in the query string (the backend reads both; the query wins). */
  export${P}(query: ${P}PageQuery) {
    return request<Blob>({ url: \`\${API_PATH}/export\`, method: "post", params: query, responseType: "blob" });
  },

  downloadTemplate${P}() {
    return request<Blob>({ url: \`\${API_PATH}/download/template\`, method: "post", responseType: "blob" });
  },

  import${P}(body: FormData) {
    return request<ApiResponse<string>>({
      url: \`\${API_PATH}/import\`,
      method: "post",
      data: body,
      headers: { "Content-Type": "multipart/form-data" },
    });
  },
};

export default ${P}API;

export interface ${P}PageQuery {
  page_no: number;
  page_size: number;
${queryCols.map((c) => `  ${c.key}?: ${c.query === "range" ? "string[]" : tsType(c)};`).join("\n")}
}

export interface ${P}Table {
${outCols.map((c) => `  ${c.key}?: ${tsType(c)}${c.nullable && !c.pk ? " | null" : ""};`).join("\n")}${audit}${child}
}

export interface ${P}Form {
${formCols.map((c) => `  ${c.key}?: ${tsType(c)} | null;`).join("\n")}
}
`;
}

/** One form control of the create/edit dialog. */
function control(c: ColumnModel, indent: string): string {
  const model = `formData[${sq(c.name)}]`;
  const ph = html(`请输入${c.label}`);
  const options = c.dictType
    ? `dictOptions[${sq(c.dictType)}]`
    : c.name === "status"
      ? "STATUS_OPTIONS"
      : null;
  if (
    c.name === "status" ||
    ((c.htmlType === "radio" || c.htmlType === "select" || c.htmlType === "checkbox") && options)
  ) {
    if (c.htmlType === "select")
      return `${indent}<el-select v-model="${model}" placeholder="${html(`请选择${c.label}`)}" clearable>
${indent}  <el-option v-for="o in ${options}" :key="o.value" :label="o.label" :value="o.value" />
${indent}</el-select>`;
    return `${indent}<el-radio-group v-model="${model}">
${indent}  <el-radio v-for="o in ${options}" :key="o.value" :value="o.value">{{ o.label }}</el-radio>
${indent}</el-radio-group>`;
  }
  switch (c.kind) {
    case "int":
    case "bigint":
      return `${indent}<el-input-number v-model="${model}" :step="1" :precision="0" controls-position="right" />`;
    case "float":
      return `${indent}<el-input-number v-model="${model}" controls-position="right" />`;
    case "bool":
      return `${indent}<el-switch v-model="${model}" />`;
    case "date":
      return `${indent}<el-date-picker v-model="${model}" type="date" value-format="YYYY-MM-DD" placeholder="${ph}" />`;
    case "time":
      return `${indent}<el-time-picker v-model="${model}" value-format="HH:mm:ss" placeholder="${ph}" />`;
    case "datetime":
      return `${indent}<el-date-picker v-model="${model}" type="datetime" value-format="YYYY-MM-DD HH:mm:ss" placeholder="${ph}" />`;
    case "json":
      return `${indent}<el-input v-model="jsonText[${sq(c.name)}]" type="textarea" :rows="4" placeholder="JSON" />`;
    default: {
      const area = c.htmlType === "textarea" || c.htmlType === "editor" || c.kind !== "str";
      const max = c.length ? ` :maxlength="${c.length}"` : "";
      return `${indent}<el-input v-model="${model}"${area ? ' type="textarea" :rows="3"' : ""}${max} placeholder="${ph}" clearable />`;
    }
  }
}

function searchControl(c: ColumnModel): string {
  const model = `query[${sq(c.name)}]`;
  if (c.query === "range")
    return `<el-date-picker v-model="${model}" type="datetimerange" value-format="YYYY-MM-DD HH:mm:ss" range-separator="-" start-placeholder="开始" end-placeholder="结束" />`;
  const options = c.dictType
    ? `dictOptions[${sq(c.dictType)}]`
    : c.name === "status"
      ? "STATUS_OPTIONS"
      : null;
  if (options)
    return `<el-select v-model="${model}" placeholder="${html(`请选择${c.label}`)}" clearable style="width: 160px">
            <el-option v-for="o in ${options}" :key="o.value" :label="o.label" :value="o.value" />
          </el-select>`;
  if (c.kind === "bool")
    return `<el-select v-model="${model}" clearable style="width: 120px">
            <el-option label="是" :value="true" />
            <el-option label="否" :value="false" />
          </el-select>`;
  return `<el-input v-model="${model}" placeholder="${html(`请输入${c.label}`)}" clearable @keyup.enter="handleSearch" />`;
}

function cell(c: ColumnModel): string {
  const prop = html(c.name);
  const label = html(c.label);
  if (c.name === "status")
    return `<el-table-column prop="status" label="${label}" width="90">
          <template #default="{ row }">
            <el-tag :type="row.status === '0' ? 'success' : 'info'">{{ row.status === "0" ? "启用" : "停用" }}</el-tag>
          </template>
        </el-table-column>`;
  if (c.dictType)
    return `<el-table-column prop="${prop}" label="${label}" min-width="100">
          <template #default="{ row }">{{ dictLabel(${sq(c.dictType)}, row[${sq(c.name)}]) }}</template>
        </el-table-column>`;
  if (c.kind === "bool")
    return `<el-table-column prop="${prop}" label="${label}" width="80">
          <template #default="{ row }">{{ row[${sq(c.name)}] ? "是" : "否" }}</template>
        </el-table-column>`;
  if (c.kind === "json")
    return `<el-table-column prop="${prop}" label="${label}" min-width="160" show-overflow-tooltip>
          <template #default="{ row }">{{ row[${sq(c.name)}] == null ? "" : JSON.stringify(row[${sq(c.name)}]) }}</template>
        </el-table-column>`;
  return `<el-table-column prop="${prop}" label="${label}" min-width="120" show-overflow-tooltip />`;
}

export function renderPage(m: TableModel): string {
  const P = m.pascal;
  const perm = (a: string) => `${m.permissionPrefix}:${a}`;
  const queryCols = m.columns.filter((c) => c.query);
  const listCols = m.columns.filter(
    (c) => c.list && !["created_id", "updated_id", "deleted_id"].includes(c.name),
  );
  const formCols = m.columns.filter((c) => c.insert || c.edit);
  const jsonCols = formCols.filter((c) => c.kind === "json");
  const dictTypes = [...new Set(m.columns.map((c) => c.dictType).filter((d): d is string => Boolean(d)))];
  const pk = m.pk.name;
  const detailCols = m.columns.filter((c) => !["is_deleted", "deleted_time", "deleted_id"].includes(c.name));
  const child = m.child;
  const initial = formCols
    .map(
      (c) => `  ${q(c.name)}: ${c.name === "status" ? q("0") : c.kind === "bool" ? "false" : "undefined"},`,
    )
    .join("\n");

  return `<!-- ${html(m.label)} (${m.tableName}): written by the code generator. -->
<template>
  <div class="app-container">
    <el-card shadow="never" class="mb-3">
      <el-form :model="query" inline>
${queryCols
  .map(
    (c) => `        <el-form-item label="${html(c.label)}">
          ${searchControl(c)}
        </el-form-item>`,
  )
  .join("\n")}
        <el-form-item>
          <el-button type="primary" icon="Search" @click="handleSearch">查询</el-button>
          <el-button icon="Refresh" @click="handleReset">重置</el-button>
        </el-form-item>
      </el-form>
    </el-card>

    <el-card shadow="never">
      <div class="mb-3 flex gap-2">
        <el-button v-if="hasPerm('${perm("create")}')" type="success" icon="Plus" @click="openForm()">新增</el-button>
        <el-button v-if="hasPerm('${perm("delete")}')" type="danger" icon="Delete" :disabled="!selectedIds.length" @click="handleDelete(selectedIds)">批量删除</el-button>${
          m.has.status
            ? `
        <el-button v-if="hasPerm('${perm("patch")}')" :disabled="!selectedIds.length" @click="handleStatus('0')">批量启用</el-button>
        <el-button v-if="hasPerm('${perm("patch")}')" :disabled="!selectedIds.length" @click="handleStatus('1')">批量停用</el-button>`
            : ""
        }
        <el-button v-if="hasPerm('${perm("export")}')" icon="Download" @click="handleExport">导出</el-button>
        <el-upload v-if="hasPerm('${perm("import")}')" :show-file-list="false" accept=".xlsx" :http-request="handleImport">
          <el-button icon="Upload">导入</el-button>
        </el-upload>
        <el-button v-if="hasPerm('${perm("download")}')" link type="primary" @click="handleTemplate">下载导入模板</el-button>
      </div>

      <el-table v-loading="loading" :data="rows" border @selection-change="onSelectionChange">
        <el-table-column type="selection" width="48" />
        <el-table-column prop="${pk}" label="ID" width="80" />
        ${listCols.map(cell).join("\n        ")}${
          m.has.audit
            ? `
        <el-table-column label="创建人" min-width="100">
          <template #default="{ row }">{{ row.created_by?.name ?? "" }}</template>
        </el-table-column>`
            : ""
        }
        <el-table-column label="操作" width="220" fixed="right">
          <template #default="{ row }">
            <el-button v-if="hasPerm('${perm("detail")}')" link type="primary" @click="openDetail(row)">详情</el-button>
            <el-button v-if="hasPerm('${perm("update")}')" link type="primary" @click="openForm(row)">编辑</el-button>
            <el-button v-if="hasPerm('${perm("delete")}')" link type="danger" @click="handleDelete([row.${pk}])">删除</el-button>
          </template>
        </el-table-column>
      </el-table>

      <el-pagination
        v-model:current-page="query.page_no"
        v-model:page-size="query.page_size"
        class="mt-3"
        :total="total"
        :page-sizes="[10, 20, 50, 100]"
        layout="total, sizes, prev, pager, next, jumper"
        @current-change="loadList"
        @size-change="loadList"
      />
    </el-card>

    <el-dialog v-model="formVisible" :title="formData.${pk} ? '编辑${html(m.label)}' : '新增${html(m.label)}'" width="720px" @closed="resetForm">
      <el-form ref="formRef" :model="formData" :rules="rules" label-width="auto">
${formCols
  .map(
    (
      c,
    ) => `        <el-form-item${c.insert && !c.edit ? ` v-if="!formData.${pk}"` : !c.insert && c.edit ? ` v-if="formData.${pk}"` : ""} label="${html(c.label)}" prop="${html(c.name)}">
${control(c, "          ")}
        </el-form-item>`,
  )
  .join("\n")}
      </el-form>
      <template #footer>
        <el-button @click="formVisible = false">取消</el-button>
        <el-button type="primary" :loading="submitting" @click="handleSubmit">确定</el-button>
      </template>
    </el-dialog>

    <el-dialog v-model="detailVisible" title="${html(m.label)}详情" width="720px">
      <el-descriptions :column="2" border>
${detailCols
  .filter((c) => !["created_id", "updated_id"].includes(c.name))
  .map(
    (c) =>
      `        <el-descriptions-item label="${html(c.label)}">{{ show(detail[${sq(c.name)}]) }}</el-descriptions-item>`,
  )
  .join("\n")}${
  m.has.audit
    ? `
        <el-descriptions-item label="创建人">{{ detail.created_by?.name ?? "" }}</el-descriptions-item>
        <el-descriptions-item label="更新人">{{ detail.updated_by?.name ?? "" }}</el-descriptions-item>`
    : ""
}
      </el-descriptions>${
        child
          ? `
      <el-table :data="detail.${child.listField} ?? []" border class="mt-3">
        ${child.model.columns
          .filter((c) => c.list && !["created_id", "updated_id", "deleted_id"].includes(c.name))
          .map(
            (c) =>
              `<el-table-column prop="${html(c.name)}" label="${html(c.label)}" min-width="120" show-overflow-tooltip />`,
          )
          .join("\n        ")}
      </el-table>`
          : ""
      }
    </el-dialog>
  </div>
</template>

<script setup lang="ts">
import { onMounted, reactive, ref } from "vue";
import { ElMessage, ElMessageBox, type FormInstance, type FormRules, type UploadRequestOptions } from "element-plus";
import request from "@utils/http";
import { useAuth } from "@/hooks/core/useAuth";
import ${P}API, { type ${P}Form, type ${P}PageQuery, type ${P}Table } from "@/api/${m.packageName}/${m.moduleName}";

defineOptions({ name: ${q(m.className)}, inheritAttrs: false });

type Option = { label: string; value: string | number };
const STATUS_OPTIONS: Option[] = [
  { label: "启用", value: "0" },
  { label: "停用", value: "1" },
];

/** Button permissions of the signed-in user (the SPA's own check). */
const { hasAuth } = useAuth();
const hasPerm = (permission: string): boolean => hasAuth(permission);

const loading = ref(false);
const rows = ref<${P}Table[]>([]);
const total = ref(0);
const selectedIds = ref<number[]>([]);
const query = reactive<${P}PageQuery>({ page_no: 1, page_size: 10 });

const dictOptions = reactive<Record<string, Option[]>>({});
async function loadDicts() {
  for (const type of ${JSON.stringify(dictTypes)}) {
    const res = await request<ApiResponse<{ dict_label: string; dict_value: string }[]>>({
      url: \`/system/dict/data/info/\${type}\`,
      method: "get",
    });
    dictOptions[type] = (res.data.data ?? []).map((d) => ({ label: d.dict_label, value: d.dict_value }));
  }
}
function dictLabel(type: string, value: unknown): string {
  return dictOptions[type]?.find((o) => String(o.value) === String(value))?.label ?? String(value ?? "");
}
function show(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "是" : "否";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

async function loadList() {
  loading.value = true;
  try {
    const res = await ${P}API.get${P}List(query);
    rows.value = res.data.data.items;
    total.value = res.data.data.total;
  } finally {
    loading.value = false;
  }
}
function handleSearch() {
  query.page_no = 1;
  loadList();
}
function handleReset() {
  for (const key of Object.keys(query)) if (key !== "page_no" && key !== "page_size") delete (query as Record<string, unknown>)[key];
  handleSearch();
}
function onSelectionChange(selection: ${P}Table[]) {
  selectedIds.value = selection.map((r) => r.${pk}).filter((id): id is number => typeof id === "number");
}

const formRef = ref<FormInstance>();
const formVisible = ref(false);
const submitting = ref(false);
const initialForm = (): ${P}Form & { ${pk}?: number } => ({
${initial}
});
const formData = ref<${P}Form & { ${pk}?: number }>(initialForm());
const jsonText = reactive<Record<string, string>>({});
const rules: FormRules = {
${formCols
  .filter((c) => c.insert && !c.nullable && !c.hasDefault && c.kind !== "json")
  .map((c) => `  ${q(c.name)}: [{ required: true, message: ${q(`${c.label}不能为空`)}, trigger: "blur" }],`)
  .join("\n")}
};

async function openForm(row?: ${P}Table) {
  formData.value = initialForm();
  if (row?.${pk} !== undefined) {
    const res = await ${P}API.get${P}Detail(row.${pk});
    const data = res.data.data as Record<string, unknown>;
    const form = formData.value as Record<string, unknown>;
    for (const key of Object.keys(form)) if (key in data) form[key] = data[key];
    form.${pk} = row.${pk};
  }
${jsonCols.map((c) => `  jsonText[${sq(c.name)}] = formData.value[${sq(c.name)}] == null ? "" : JSON.stringify(formData.value[${sq(c.name)}], null, 2);`).join("\n")}
  formVisible.value = true;
}
function resetForm() {
  formRef.value?.resetFields();
  formData.value = initialForm();
}
async function handleSubmit() {
  await formRef.value?.validate();
  const { ${pk}: id, ...body } = formData.value;
${jsonCols.map((c) => `  (body as Record<string, unknown>)[${sq(c.name)}] = jsonText[${sq(c.name)}] ? JSON.parse(jsonText[${sq(c.name)}]) : null;`).join("\n")}
  submitting.value = true;
  try {
    if (id) await ${P}API.update${P}(id, body);
    else await ${P}API.create${P}(body);
    ElMessage.success("保存成功");
    formVisible.value = false;
    loadList();
  } finally {
    submitting.value = false;
  }
}

const detailVisible = ref(false);
const detail = ref<${P}Table>({});
async function openDetail(row: ${P}Table) {
  if (row.${pk} === undefined) return;
  detail.value = (await ${P}API.get${P}Detail(row.${pk})).data.data;
  detailVisible.value = true;
}

async function handleDelete(ids: number[]) {
  if (!ids.length) return;
  await ElMessageBox.confirm(\`确认删除选中的 \${ids.length} 条数据吗？\`, "警告", { type: "warning" });
  await ${P}API.delete${P}(ids);
  ElMessage.success("删除成功");
  loadList();
}
${
  m.has.status
    ? `async function handleStatus(status: string) {
  await ${P}API.batch${P}({ ids: selectedIds.value, status });
  ElMessage.success("修改成功");
  loadList();
}
`
    : ""
}
function saveBlob(data: Blob, name: string) {
  const url = URL.createObjectURL(data);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
async function handleExport() {
  const { page_no: _page, page_size: _size, ...filters } = query;
  saveBlob((await ${P}API.export${P}({ ...filters, page_no: 1, page_size: 10 })).data, ${q(`${m.tableName}.xlsx`)});
}
async function handleTemplate() {
  saveBlob((await ${P}API.downloadTemplate${P}()).data, ${q(`${m.tableName}_template.xlsx`)});
}
async function handleImport(options: UploadRequestOptions) {
  const form = new FormData();
  form.append("file", options.file);
  const res = await ${P}API.import${P}(form);
  ElMessageBox.alert(res.data.data, "导入结果");
  loadList();
}

onMounted(() => {
  loadDicts();
  loadList();
});
</script>
`;
}

import { z } from "@hono/zod-openapi";

const text = z.string().nullable();
const number = z.number().nullable();

/** GET /monitor/server/info (contract §4.3); `py` describes the JS runtime under the same keys. */
export const serverInfo = z
  .object({
    cpu: z.object({
      cpu_num: z.number().int().nullable(),
      used: number.openapi({ description: "用户态 CPU %" }),
      sys: number.openapi({ description: "内核态 CPU %" }),
      free: number.openapi({ description: "空闲 CPU %" }),
    }),
    mem: z.object({ total: text, used: text, free: text, usage: number }),
    sys: z.object({
      computer_ip: text,
      computer_name: text,
      os_arch: text,
      os_name: text,
      user_dir: text,
    }),
    py: z
      .object({
        name: text,
        version: text,
        start_time: text,
        run_time: text,
        home: text,
        memory_total: text.openapi({ description: "系统可用内存" }),
        memory_used: text.openapi({ description: "进程常驻内存 (RSS)" }),
        memory_free: text,
        memory_usage: number,
      })
      .openapi({ description: "运行时 (Bun / workerd)，字段名沿用上游的 py" }),
    disks: z.array(
      z.object({
        dir_name: z.string(),
        sys_type_name: text,
        type_name: z.string(),
        total: z.string(),
        used: z.string(),
        free: z.string(),
        usage: z.number(),
      }),
    ),
    audit: z
      .object({
        failed_writes: z
          .number()
          .int()
          .nullable()
          .openapi({ description: "写入失败、因此缺失的操作日志条数 (全集群累计)；缓存不可读时为 null" }),
      })
      .openapi({ description: "审计日志健康度 (上游无此字段，前端忽略)" }),
  })
  .openapi("ServerInfo");

export type ServerInfo = z.infer<typeof serverInfo>;

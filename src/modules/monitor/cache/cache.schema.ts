import { z } from "@hono/zod-openapi";

export const cacheNameParam = z.object({
  cache_name: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "cache_name", in: "path" }, example: "system_dict" }),
});

const cacheKey = z
  .string()
  .min(1)
  .max(512)
  .openapi({ param: { name: "cache_key", in: "path" }, example: "sys_user_sex" });

export const cacheKeyParam = z.object({ cache_key: cacheKey });

export const cacheValueParams = cacheNameParam.extend({ cache_key: cacheKey });

export const cacheInfoOut = z
  .object({
    command_stats: z.array(z.object({ name: z.string(), value: z.string() })),
    db_size: z.number().int().openapi({ description: "本应用的键数 (CACHE_PREFIX 之内)" }),
    info: z
      .record(
        z.string(),
        z.union([
          z.string(),
          z.null(),
          // `db0`, `errorstat_*`: their `k=v,…` pairs (numbers where numeric)
          z.record(z.string(), z.union([z.string(), z.number()])),
        ]),
      )
      .openapi({
        description:
          "缓存服务自报的信息 (Redis INFO 字段，值为字符串；dbN 与 errorstat_* 为键值对)；驱动无法提供的字段为 null",
      }),
  })
  .openapi("CacheMonitorInfo");

export const cacheEntryOut = z
  .object({
    cache_key: z.string(),
    cache_name: z.string(),
    cache_value: z.string().nullable(),
    remark: z.string(),
  })
  .openapi("CacheEntry");

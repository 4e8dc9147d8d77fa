-- modelctl pricing query (spark).  Tables: billing.requests (one row per request, disjoint token
-- counts), prices (modelctl export --format price-table), model_names (--format model-names),
-- price_windows (--format price-windows).
-- Run with spark.sql.decimalOperations.allowPrecisionLoss=false (else Spark rounds DECIMAL products
-- to 6 places) and spark.sql.ansi.enabled=true (overflow is an error, never NULL); session time zone UTC.
WITH usage_rows AS (
  SELECT
    u.*,
    CAST(u.`timestamp` AS DATE) AS usage_day,
    CASE WHEN typeof(u.`timestamp`) <> 'date' THEN hour(CAST(u.`timestamp` AS TIMESTAMP)) * 60 + minute(CAST(u.`timestamp` AS TIMESTAMP)) END AS usage_minute,
    weekday(CAST(u.`timestamp` AS TIMESTAMP)) AS usage_weekday,
    coalesce(u.`variant`, '') AS usage_variant,
    lower(u.`model`) AS usage_name,
    coalesce(u.`prompt_tokens`, 0) AS t_input_tokens,
    coalesce(u.`output_tokens`, 0) AS t_output_tokens,
    coalesce(u.`cached_input_tokens`, 0) AS t_cached_input_tokens,
    coalesce(u.`cache_write_tokens`, 0) AS t_cache_write_tokens,
    coalesce(u.`cache_write_1h_tokens`, 0) AS t_cache_write_1h_tokens,
    coalesce(u.`reasoning_tokens`, 0) AS t_reasoning_tokens,
    coalesce(u.`input_audio_tokens`, 0) AS t_input_audio_tokens,
    coalesce(u.`output_audio_tokens`, 0) AS t_output_audio_tokens,
    coalesce(u.`input_image_tokens`, 0) AS t_input_image_tokens,
    coalesce(u.`output_image_tokens`, 0) AS t_output_image_tokens,
    coalesce(u.`requests`, 1) AS t_requests,
    coalesce(0, 0) AS t_images,
    coalesce(u.`web_search_requests`, 0) AS t_web_search_requests,
    coalesce(u.`file_search_requests`, 0) AS t_file_search_requests,
    coalesce(u.`input_audio_seconds`, 0) AS t_input_audio_seconds,
    coalesce(u.`input_video_tokens`, 0) AS t_input_video_tokens,
    coalesce(u.`cached_input_audio_tokens`, 0) AS t_cached_input_audio_tokens,
    coalesce(u.`cached_input_image_tokens`, 0) AS t_cached_input_image_tokens,
    coalesce(u.`cache_write_12h_tokens`, 0) AS t_cache_write_12h_tokens,
    coalesce(u.`seconds`, 0) AS t_seconds,
    ( coalesce(u.`prompt_tokens`, 0)
      + coalesce(u.`cached_input_tokens`, 0)
      + coalesce(u.`cache_write_tokens`, 0)
      + coalesce(u.`cache_write_1h_tokens`, 0)
      + coalesce(u.`input_audio_tokens`, 0)
      + coalesce(u.`input_image_tokens`, 0)
      + coalesce(u.`input_video_tokens`, 0)
      + coalesce(u.`cached_input_audio_tokens`, 0)
      + coalesce(u.`cached_input_image_tokens`, 0)
      + coalesce(u.`cache_write_12h_tokens`, 0)
    ) AS usage_side
  FROM billing.requests AS u
),
named AS (
  SELECT
    r.*,
    n.model AS priced_model,
    CASE WHEN r.usage_variant <> '' THEN r.usage_variant ELSE coalesce(n.variant, '') END AS named_variant
  FROM usage_rows AS r
  LEFT JOIN model_names AS n ON n.name = r.usage_name
),
timed AS (
  SELECT
    m.*,
    CASE WHEN m.named_variant <> '' THEN m.named_variant ELSE coalesce(w.variant, '') END AS price_variant
  FROM named AS m
  LEFT JOIN price_windows AS w
    ON w.model = m.priced_model
   AND m.named_variant = ''
   AND m.usage_day >= w.valid_from
   AND (w.valid_to IS NULL OR m.usage_day < w.valid_to)
   AND w.weekday = m.usage_weekday
   AND m.usage_minute >= w.start_minute
   AND m.usage_minute < w.end_minute
),
joined AS (
  SELECT
    t.*,
    p.provider,
    p.currency,
    p.valid_from AS price_from,
    p.above_input_tokens AS price_tier,
    CASE
      WHEN t.priced_model IS NULL THEN 'unknown model'
      WHEN p.model IS NULL THEN 'no price in force that day for this model and variant'
      WHEN t.t_input_audio_tokens > 0 AND NOT (' ' || coalesce(p.input_modalities, '') || ' ' LIKE '% audio %')
        THEN 'the model does not accept audio input (input_audio_tokens)'
      WHEN t.t_cached_input_audio_tokens > 0 AND NOT (' ' || coalesce(p.input_modalities, '') || ' ' LIKE '% audio %')
        THEN 'the model does not accept audio input (cached_input_audio_tokens)'
      WHEN t.t_input_audio_seconds > 0 AND NOT (' ' || coalesce(p.input_modalities, '') || ' ' LIKE '% audio %')
        THEN 'the model does not accept audio input (input_audio_seconds)'
      WHEN t.t_input_image_tokens > 0 AND NOT (' ' || coalesce(p.input_modalities, '') || ' ' LIKE '% image %')
        THEN 'the model does not accept image input (input_image_tokens)'
      WHEN t.t_cached_input_image_tokens > 0 AND NOT (' ' || coalesce(p.input_modalities, '') || ' ' LIKE '% image %')
        THEN 'the model does not accept image input (cached_input_image_tokens)'
      WHEN t.t_input_video_tokens > 0 AND NOT (' ' || coalesce(p.input_modalities, '') || ' ' LIKE '% video %')
        THEN 'the model does not accept video input (input_video_tokens)'
      WHEN t.t_output_audio_tokens > 0 AND NOT (' ' || coalesce(p.output_modalities, '') || ' ' LIKE '% audio %')
        THEN 'the model does not produce audio output (output_audio_tokens)'
      WHEN t.t_output_image_tokens > 0 AND NOT (' ' || coalesce(p.output_modalities, '') || ' ' LIKE '% image %')
        THEN 'the model does not produce image output (output_image_tokens)'
      WHEN p.max_input_tokens IS NOT NULL
        AND t.usage_side > p.max_input_tokens * greatest(t.t_requests, 1)
        THEN 'more input-side tokens than the model takes per request (max_input_tokens)'
      WHEN t.t_input_tokens > 0 AND p.input_per_1m IS NULL THEN 'no price for input_tokens'
      WHEN t.t_output_tokens > 0 AND p.output_per_1m IS NULL THEN 'no price for output_tokens'
      WHEN t.t_cached_input_tokens > 0 AND p.cached_input_per_1m IS NULL THEN 'no price for cached_input_tokens'
      WHEN t.t_cache_write_tokens > 0 AND p.cache_write_per_1m IS NULL THEN 'no price for cache_write_tokens'
      WHEN t.t_cache_write_1h_tokens > 0 AND p.cache_write_1h_per_1m IS NULL THEN 'no price for cache_write_1h_tokens'
      WHEN t.t_reasoning_tokens > 0 AND p.reasoning_per_1m IS NULL THEN 'no price for reasoning_tokens'
      WHEN t.t_input_audio_tokens > 0 AND p.input_audio_per_1m IS NULL THEN 'no price for input_audio_tokens'
      WHEN t.t_output_audio_tokens > 0 AND p.output_audio_per_1m IS NULL THEN 'no price for output_audio_tokens'
      WHEN t.t_input_image_tokens > 0 AND p.input_image_per_1m IS NULL THEN 'no price for input_image_tokens'
      WHEN t.t_output_image_tokens > 0 AND p.output_image_per_1m IS NULL THEN 'no price for output_image_tokens'
      WHEN t.t_web_search_requests > 0 AND p.web_search_per_1k IS NULL THEN 'no price for web_search_requests'
      WHEN t.t_file_search_requests > 0 AND p.file_search_per_1k IS NULL THEN 'no price for file_search_requests'
      WHEN t.t_input_audio_seconds > 0 AND p.input_audio_per_minute IS NULL THEN 'no price for input_audio_seconds'
      WHEN t.t_input_video_tokens > 0 AND p.input_video_per_1m IS NULL THEN 'no price for input_video_tokens'
      WHEN t.t_cached_input_audio_tokens > 0 AND p.cached_input_audio_per_1m IS NULL THEN 'no price for cached_input_audio_tokens'
      WHEN t.t_cached_input_image_tokens > 0 AND p.cached_input_image_per_1m IS NULL THEN 'no price for cached_input_image_tokens'
      WHEN t.t_cache_write_12h_tokens > 0 AND p.cache_write_12h_per_1m IS NULL THEN 'no price for cache_write_12h_tokens'
      WHEN t.t_seconds > 0 AND p.per_second IS NULL THEN 'no price for seconds'
    END AS unpriced,
    ( t.t_input_tokens * coalesce(p.input_per_1m, 0)
      + t.t_output_tokens * coalesce(p.output_per_1m, 0)
      + t.t_cached_input_tokens * coalesce(p.cached_input_per_1m, 0)
      + t.t_cache_write_tokens * coalesce(p.cache_write_per_1m, 0)
      + t.t_cache_write_1h_tokens * coalesce(p.cache_write_1h_per_1m, 0)
      + t.t_reasoning_tokens * coalesce(p.reasoning_per_1m, 0)
      + t.t_input_audio_tokens * coalesce(p.input_audio_per_1m, 0)
      + t.t_output_audio_tokens * coalesce(p.output_audio_per_1m, 0)
      + t.t_input_image_tokens * coalesce(p.input_image_per_1m, 0)
      + t.t_output_image_tokens * coalesce(p.output_image_per_1m, 0)
      + t.t_input_video_tokens * coalesce(p.input_video_per_1m, 0)
      + t.t_cached_input_audio_tokens * coalesce(p.cached_input_audio_per_1m, 0)
      + t.t_cached_input_image_tokens * coalesce(p.cached_input_image_per_1m, 0)
      + t.t_cache_write_12h_tokens * coalesce(p.cache_write_12h_per_1m, 0)
    ) * CAST(0.000001 AS DECIMAL(7, 6))
    + ( t.t_web_search_requests * coalesce(p.web_search_per_1k, 0)
      + t.t_file_search_requests * coalesce(p.file_search_per_1k, 0)
    ) * CAST(0.001 AS DECIMAL(4, 3))
    + t.t_requests * coalesce(p.per_request, 0)
    + t.t_input_audio_seconds * coalesce(p.input_audio_per_second, 0)
    + t.t_seconds * coalesce(p.per_second, 0) AS amount
  FROM timed AS t
  LEFT JOIN prices AS p
    ON p.model = t.priced_model
   AND coalesce(p.variant, '') = t.price_variant
   AND t.usage_day >= p.valid_from
   AND (p.valid_to IS NULL OR t.usage_day < p.valid_to)
   AND t.usage_side > coalesce(p.above_input_tokens, -1)
   AND (p.up_to_input_tokens IS NULL OR t.usage_side <= p.up_to_input_tokens)
)
SELECT joined.*, CASE WHEN unpriced IS NULL THEN amount END AS cost
FROM joined

-- modelctl pricing query (bigquery).  Tables: billing.requests (one row per request, disjoint token
-- counts), prices (modelctl export --format price-table), model_names (--format model-names).
-- BIGNUMERIC keeps 38 decimal places; CAST(TIMESTAMP AS DATE) is the UTC day.
WITH usage_rows AS (
  SELECT
    u.*,
    CAST(u.`timestamp` AS DATE) AS usage_day,
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
    coalesce(u.`seconds`, 0) AS t_seconds
  FROM billing.requests AS u
),
joined AS (
  SELECT
    r.*,
    n.model AS priced_model,
    p.provider,
    p.currency,
    p.valid_from AS price_from,
    p.above_input_tokens AS price_tier,
    CASE
      WHEN n.model IS NULL THEN 'unknown model'
      WHEN p.model IS NULL THEN 'no price in force that day for this model and variant'
      WHEN r.t_input_tokens > 0 AND p.input_per_1m IS NULL THEN 'no price for input_tokens'
      WHEN r.t_output_tokens > 0 AND p.output_per_1m IS NULL THEN 'no price for output_tokens'
      WHEN r.t_cached_input_tokens > 0 AND p.cached_input_per_1m IS NULL THEN 'no price for cached_input_tokens'
      WHEN r.t_cache_write_tokens > 0 AND p.cache_write_per_1m IS NULL THEN 'no price for cache_write_tokens'
      WHEN r.t_cache_write_1h_tokens > 0 AND p.cache_write_1h_per_1m IS NULL THEN 'no price for cache_write_1h_tokens'
      WHEN r.t_reasoning_tokens > 0 AND p.reasoning_per_1m IS NULL THEN 'no price for reasoning_tokens'
      WHEN r.t_input_audio_tokens > 0 AND p.input_audio_per_1m IS NULL THEN 'no price for input_audio_tokens'
      WHEN r.t_output_audio_tokens > 0 AND p.output_audio_per_1m IS NULL THEN 'no price for output_audio_tokens'
      WHEN r.t_input_image_tokens > 0 AND p.input_image_per_1m IS NULL THEN 'no price for input_image_tokens'
      WHEN r.t_output_image_tokens > 0 AND p.output_image_per_1m IS NULL THEN 'no price for output_image_tokens'
      WHEN r.t_images > 0 AND p.per_image IS NULL THEN 'no price for images'
      WHEN r.t_web_search_requests > 0 AND p.web_search_per_1k IS NULL THEN 'no price for web_search_requests'
      WHEN r.t_file_search_requests > 0 AND p.file_search_per_1k IS NULL THEN 'no price for file_search_requests'
      WHEN r.t_input_audio_seconds > 0 AND p.input_audio_per_minute IS NULL THEN 'no price for input_audio_seconds'
      WHEN r.t_input_video_tokens > 0 AND p.input_video_per_1m IS NULL THEN 'no price for input_video_tokens'
      WHEN r.t_cached_input_audio_tokens > 0 AND p.cached_input_audio_per_1m IS NULL THEN 'no price for cached_input_audio_tokens'
      WHEN r.t_cached_input_image_tokens > 0 AND p.cached_input_image_per_1m IS NULL THEN 'no price for cached_input_image_tokens'
      WHEN r.t_cache_write_12h_tokens > 0 AND p.cache_write_12h_per_1m IS NULL THEN 'no price for cache_write_12h_tokens'
      WHEN r.t_seconds > 0 AND p.per_second IS NULL THEN 'no price for seconds'
    END AS unpriced,
    ( r.t_input_tokens * coalesce(p.input_per_1m, 0)
      + r.t_output_tokens * coalesce(p.output_per_1m, 0)
      + r.t_cached_input_tokens * coalesce(p.cached_input_per_1m, 0)
      + r.t_cache_write_tokens * coalesce(p.cache_write_per_1m, 0)
      + r.t_cache_write_1h_tokens * coalesce(p.cache_write_1h_per_1m, 0)
      + r.t_reasoning_tokens * coalesce(p.reasoning_per_1m, 0)
      + r.t_input_audio_tokens * coalesce(p.input_audio_per_1m, 0)
      + r.t_output_audio_tokens * coalesce(p.output_audio_per_1m, 0)
      + r.t_input_image_tokens * coalesce(p.input_image_per_1m, 0)
      + r.t_output_image_tokens * coalesce(p.output_image_per_1m, 0)
      + r.t_input_video_tokens * coalesce(p.input_video_per_1m, 0)
      + r.t_cached_input_audio_tokens * coalesce(p.cached_input_audio_per_1m, 0)
      + r.t_cached_input_image_tokens * coalesce(p.cached_input_image_per_1m, 0)
      + r.t_cache_write_12h_tokens * coalesce(p.cache_write_12h_per_1m, 0)
    ) * BIGNUMERIC '0.000001'
    + ( r.t_web_search_requests * coalesce(p.web_search_per_1k, 0)
      + r.t_file_search_requests * coalesce(p.file_search_per_1k, 0)
    ) * BIGNUMERIC '0.001'
    + r.t_requests * coalesce(p.per_request, 0)
    + r.t_images * coalesce(p.per_image, 0)
    + r.t_input_audio_seconds * coalesce(p.input_audio_per_second, 0)
    + r.t_seconds * coalesce(p.per_second, 0) AS amount
  FROM usage_rows AS r
  LEFT JOIN model_names AS n ON n.name = r.usage_name
  LEFT JOIN prices AS p
    ON p.model = n.model
   AND coalesce(p.variant, '') = r.usage_variant
   AND r.usage_day >= p.valid_from
   AND (p.valid_to IS NULL OR r.usage_day < p.valid_to)
   AND r.t_input_tokens + r.t_cached_input_tokens + r.t_cache_write_tokens + r.t_cache_write_1h_tokens > coalesce(p.above_input_tokens, -1)
   AND (p.up_to_input_tokens IS NULL OR r.t_input_tokens + r.t_cached_input_tokens + r.t_cache_write_tokens + r.t_cache_write_1h_tokens <= p.up_to_input_tokens)
)
SELECT joined.*, CASE WHEN unpriced IS NULL THEN amount END AS cost
FROM joined
